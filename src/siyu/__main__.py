"""`python -m siyu …` runs the command line, like the `siyu` script."""

from siyu.cli import main

main()
