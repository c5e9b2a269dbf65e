"""Reading documents: a ``.py`` file is one code part; a notebook is cells, outputs and text."""
