"""`python -m mgr --dir DIR --id x`."""

from mgr.daemon import main

if __name__ == "__main__":
    main()
