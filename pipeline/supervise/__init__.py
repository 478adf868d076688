"""`logpipe run`'s stages, each in a process of its own, and their supervision.

    handoff.py      what the parent gives a stage process, and what the stage reports back
    lifeline.py     the pipe whose end of file tells a stage process to stop (parent gone, or asked)
    stages.py       the three stage bodies (ship, index, alert), as a stage process runs them
    child.py        a stage process: `python -m pipeline.supervise.child STAGE`
    process.py      one stage process seen from the parent: start, stop, how it ended
    supervisor.py   the three together: the first to end stops the others
    metrics_fanin.py  one /metrics for the three: their registries, merged at each scrape
    metrics.py      the families of `run` itself
"""
