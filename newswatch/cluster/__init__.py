"""Several machines, one watch: `newswatch worker` processes sharing one PostgreSQL database.

The queue is Procrastinate's, in the newswatch database itself: a periodic dispatch queues each
due site (``dispatch``), a crawl job runs one site's crawl in a subprocess that dies with its
worker (``tasks``), and every worker runs the recovery, which queues again the crawls of workers
that died (``registry``: a dropped lifeline connection, or heartbeats gone silent). ``worker``
starts and stops one worker process; ``queue`` opens the queue on a database and applies its schema.
"""

#: Seconds between a worker's heartbeats; of silence before a worker whose lifeline still stands
#: (a machine lost without closing its connections) is taken for dead; between dispatches; between
#: recoveries (a worker whose process died is found on the next one). See README, "Fail-over".
HEARTBEAT, STALLED_AFTER, TICK, RECOVER_EVERY = 2.0, 10.0, 2, 1.0
