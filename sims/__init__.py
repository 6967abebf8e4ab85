"""Simulations: one concept per module.

`sims/<concept>.py` holds the computation (numpy) and its state (a `param.Parameterized` class),
with no Panel, Bokeh or torch import, so it can be tested by setting parameters and reading numbers.
`sims/views/<concept>.py` holds the thin view that draws it.
"""
