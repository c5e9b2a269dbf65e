"""``--fix``: turn each leak into a read of the secret at run time, and write the file back untouched
everywhere else.

The flow mirrors the scan: findings -> a plan of ``Edit`` values at offsets into the original text
(``plan_python``, ``plan_ipython``, ``plan_notebook``) -> ``apply`` -> a check that the result still
parses -> ``write`` (atomic, only if the file did not change meanwhile).  Only ``run.py`` reads, writes
and prints; the rest is pure.
"""
