"""One spider per site, on the shared NewsSpider base; `generic` serves a site with none yet."""
