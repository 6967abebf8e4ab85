"""One module per chapter, each exposing CHAPTER. Their order lives in course/toc.py, nowhere else."""
