#!/bin/bash
# A scripted git workflow (make bench): in a fresh directory, 40 commits on
# main, a feature branch with 20 more, commits on main meanwhile, a merge,
# tags and branches, the usual read commands, gc, and a local clone that is
# then committed to and pushed back: about 300 git processes (295 execs of
# git and its helpers, counted with strace). Fails on the first failing command.
set -eu
dir=${1:-gitwf}
rm -rf "$dir"
git init -q -b main "$dir/repo"
cd "$dir/repo"
git config user.email bench@example.org
git config user.name bench
git config gc.auto 0
mkdir -p src
for i in $(seq 40); do
	echo "line $i" >"src/f$((i % 10)).c"
	git add -A
	git commit -qm "commit $i"
done
git checkout -qb feature
for i in $(seq 20); do
	echo "feature $i" >>"src/feature.c"
	git add src/feature.c
	git commit -qm "feature $i"
done
git checkout -q main
for i in $(seq 10); do
	echo "main $i" >>README
	git add README
	git commit -qm "main $i"
done
git merge -q --no-edit feature
for i in $(seq 5); do
	git tag "v$i" "HEAD~$i"
	git branch "topic$i" "HEAD~$((i * 2))"
done
git status --short >/dev/null
git log --oneline | wc -l >/dev/null
git diff HEAD~5 --stat >/dev/null
git show --stat HEAD~3 >/dev/null
git blame src/feature.c >/dev/null
git grep -q "line 1" || true
git branch --list >/dev/null
git gc -q
git fsck --no-progress >/dev/null
cd ..
git clone -q repo clone
cd clone
git config user.email bench@example.org
git config user.name bench
git checkout -qb from-clone
for i in $(seq 10); do
	echo "clone $i" >"clone$i.txt"
	git add "clone$i.txt"
	git commit -qm "clone $i"
done
git push -q origin from-clone
git fetch -q origin
git log --oneline origin/main | wc -l >/dev/null
