#!/bin/sh
# po/update.sh - extract every learner-visible text (ui/*.c, teach/*.c,
# report/*.c, and the titles of decode/decode.h marked DEC_N_) into
# po/httpstep.pot and merge it into each translation (po/zh_CN.po)
#
#   sh po/update.sh        from the top directory or from po/
#
# Then translate the new and fuzzy entries, and check a translation with
#   msgfmt -c --statistics po/zh_CN.po -o /dev/null
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
version=$(sed -n 's/^VERSION := //p' Makefile)
xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=P_:1,2 --keyword=NP_:1,2 \
    --keyword=DEC_N_ \
    --add-comments=TRANSLATORS: --sort-by-file --package-name=httpstep \
    --package-version="${version:-0}" --msgid-bugs-address="httpstep maintainers" \
    --output=po/httpstep.pot ui/*.c teach/*.c report/*.c decode/decode.h
# no creation date: the template changes only when a text does
sed -i '/^"POT-Creation-Date:/d' po/httpstep.pot
for po in po/*.po; do
    [ -f "$po" ] || continue
    msgmerge --quiet --update --backup=none --sort-by-file "$po" po/httpstep.pot
    printf '%s: ' "$po"
    msgfmt -c --statistics "$po" -o /dev/null
done
