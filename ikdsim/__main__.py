from ikdsim.cli.app import main

if __name__ == "__main__":  # worker processes (spawn, forkserver) import this module
    main()
