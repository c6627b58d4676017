"""Time, at the bottom of the house: the ``Clock`` interface and the loop clock
(:mod:`showctl.clocks.clock`), the virtual event loop whose time jumps to the next
deadline (:mod:`showctl.clocks.virtual`), and the manual clock tests move by hand
(:mod:`showctl.clocks.manual`). Everything above (drivers, engine, front ends) reads time
through these; nothing here imports anything of showctl.
"""
