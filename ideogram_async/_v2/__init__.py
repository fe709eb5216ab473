"""Ideogram's v2 API (``/v2/{content}/{action}/{model}``): routes as data, typed methods, jobs."""
