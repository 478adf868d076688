"""A fault schedule of its own for the shipper, deployed as users deploy it (bench/userfaults.py)."""
