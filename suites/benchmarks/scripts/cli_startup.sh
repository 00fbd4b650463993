# usage: lay_bench.sh TREE -> wall seconds (best of 3) of: qbench --version, qbench plugins; import-time of qbench.cli
t=$1; export PYTHONPATH=$t:$t/plugins; cd $t
best() { b=999; for i in 1 2 3; do s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); d=$(echo "$e - $s" | bc); b=$(echo "if ($d < $b) $d else $b" | bc); done; echo $b; }
imp=$(python -X importtime -c "import qbench.cli" 2>&1 | grep -E '\| qbench.cli$' | awk -F'|' '{print $2/1e6}')
echo "$t version=$(best python -m qbench --version) plugins=$(best python -m qbench plugins) import_cli=$imp"
