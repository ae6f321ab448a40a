"""Several machines, one watch: `newswatch worker` processes sharing one PostgreSQL database.

The queue is Procrastinate's, in the newswatch database itself: a periodic dispatch queues each
due site (``dispatch``), a crawl job runs one site's crawl in a subprocess that dies with its
worker (``tasks``), and a periodic recovery retries the crawls of workers that stopped sending
heartbeats. ``worker`` starts and stops one worker process; ``queue`` opens the queue on a
database and applies its schema.
"""

#: Seconds between a worker's heartbeats, of silence before it is taken for dead (its crawls queued
#: again), and between dispatches: together with a crawl's own time, a fail-over within half a minute.
HEARTBEAT, STALLED_AFTER, TICK = 2.0, 10.0, 2
