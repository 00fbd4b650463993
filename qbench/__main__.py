from qbench.cli import main

main()
