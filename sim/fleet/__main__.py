"""`python -m sim.fleet --dir DIR --id 0`: one fleet process (started by the supervisor)."""

from sim.fleet.daemon import main

if __name__ == "__main__":
    main()
