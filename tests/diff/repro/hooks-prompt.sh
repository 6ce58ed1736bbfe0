# diff-policy: default
# Installing a git hook: policies/default.yaml puts writes under
# .git/hooks/ at Tier 3 (rule security-files) because a hook is code that
# git runs later, outside any exec decision. With no operator to approve
# it, the write is refused: git's own tests that install hooks (t5601-clone
# "clone from hooks", t5406-remote-rejects' update hook) fail under the
# default policy, and the tests after them in the same script, which use
# that repository. By design; prints what happens to each step.
git init -q repo 2>&1 && echo "git init: ok"
if printf '#!/bin/sh\nexit 0\n' 2>/dev/null >repo/.git/hooks/pre-commit; then
	echo "write .git/hooks/pre-commit: ok"
else
	echo "write .git/hooks/pre-commit: refused"
fi
ls repo/.git/hooks/pre-commit 2>/dev/null || echo "no hook installed"
