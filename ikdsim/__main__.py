from ikdsim.cli.app import main

main()
