"""`python -m mon --dir DIR --id a`."""

from mon.daemon import main

if __name__ == "__main__":
    main()
