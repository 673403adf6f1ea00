"""A deterministic demo brand (演示品牌「暖柚生活」): staff, customers, groups, members, tags and
two years of events, written as the six import files and loaded through the import service.

`generate.write_demo` writes the files; `load.load_demo` imports them. Same (customers, seed,
now) → byte-identical files, whatever the number of worker processes.
"""
