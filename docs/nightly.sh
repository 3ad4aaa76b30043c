#!/bin/sh
# feedharness nightly: re-record every feed, then open, update or close ONE issue per feed and
# propose the replaced cassettes in a pull request. Plain POSIX sh; see docs/nightly.md.
#
#   sh docs/nightly.sh [REPORT_DIR]        (run it in the folder of harness.toml; default: report)
#
# Environment (all optional):
#   HARNESS                  how to run feedharness        (default: harness; "python -m harness")
#   FEEDHARNESS_RECORD_ARGS  more options for harness record, e.g. "--fail-after 2 --state FILE"
#   FEEDHARNESS_POST         the command that posts        (default: github_post below, via gh)
#   FEEDHARNESS_LABEL        the label of the feed issues  (default: feedharness)
#   FEEDHARNESS_BRANCH       the pull request's branch     (default: feedharness/recordings)
#   FEEDHARNESS_REMOTE       where that branch is pushed   (default: origin)
#
# The post command is called once per decision, with these arguments:
#   POST open  KEY TITLE BODY_FILE      open the feed's issue, or update the open one
#   POST close KEY TITLE BODY_FILE|-    comment on the feed's open issue (the file, or TITLE when
#                                       "-") and close it; nothing when none is open
#   POST pr    BRANCH TITLE BODY_FILE   open or update the pull request from BRANCH
# KEY is how the titles of the feed's issue start: 'feedharness: "FEED"'; TITLE the full title.
# Nothing is posted for a feed that is flaky (a transport failure below --fail-after).
#
# Exit status: harness record's (0 every feed fine or only flaky, 1 a feed failing or drifted,
# 2 an error: then nothing is posted).
set -eu

report=${1:-report}
harness=${HARNESS:-harness}
label=${FEEDHARNESS_LABEL:-feedharness}
branch=${FEEDHARNESS_BRANCH:-feedharness/recordings}
remote=${FEEDHARNESS_REMOTE:-origin}
post=${FEEDHARNESS_POST:-github_post}
tab=$(printf '\t')

# The number of the open issue whose title is KEY or starts with "KEY ", if any.
find_issue() {
    gh issue list --state open --label "$label" --limit 1000 --json number,title \
        --jq '.[] | "\(.number)\t\(.title)"' |
        while IFS="$tab" read -r number title; do
            case $title in
            "$1" | "$1 "*)
                echo "$number"
                break
                ;;
            esac
        done
}

github_post() {
    case $1 in
    open)
        number=$(find_issue "$2")
        if [ -n "$number" ]; then
            gh issue edit "$number" --title "$3" --body-file "$4"
        else
            gh label create "$label" --description "feedharness nightly recording" \
                --force >/dev/null 2>&1 || :
            gh issue create --title "$3" --body-file "$4" --label "$label"
        fi
        ;;
    close)
        number=$(find_issue "$2")
        [ -n "$number" ] || return 0
        if [ "$4" = - ]; then
            gh issue close "$number" --comment "$3"
        else
            gh issue comment "$number" --body-file "$4"
            gh issue close "$number"
        fi
        ;;
    pr)
        number=$(gh pr list --head "$2" --state open --json number --jq '.[0].number // empty')
        if [ -n "$number" ]; then
            gh pr edit "$number" --title "$3" --body-file "$4"
        else
            gh pr create --head "$2" --title "$3" --body-file "$4"
        fi
        ;;
    *)
        echo "nightly.sh: unknown post action $1" >&2
        return 2
        ;;
    esac
}

# 1. Record. Exit 1 (a feed failing or drifted) still posts; exit 2 (usage error) does not.
rm -f "$report/actions.tsv" "$report/summary.json" "$report/pull-request.md" # not last night's
status=0
# shellcheck disable=SC2086  # HARNESS and FEEDHARNESS_RECORD_ARGS are word lists on purpose
$harness record --report-dir "$report" ${FEEDHARNESS_RECORD_ARGS:-} || status=$?
if [ ! -f "$report/actions.tsv" ]; then
    echo "nightly.sh: harness record wrote no report (exit $status): nothing posted" >&2
    exit "$status"
fi

# 2. One issue per feed: open or update it, or comment and close it.
while IFS="$tab" read -r action state key title markdown cassette replaced; do
    body=-
    [ "$markdown" = - ] || body="$report/$markdown"
    case $action in
    open | close) $post "$action" "$key" "$title" "$body" </dev/null ;; # stdin is the list
    esac
done <"$report/actions.tsv"

# 3. The replaced cassettes, on a branch, in a pull request (updated while it is open).
if [ -f "$report/pull-request.md" ]; then
    while IFS="$tab" read -r action state key title markdown cassette replaced; do
        [ "$replaced" = no ] || git add -- "$cassette"
    done <"$report/actions.tsv"
    if ! git diff --cached --quiet; then
        day=$(sed -n 's/.*"recorded_at": "\([0-9-]*\)T.*/\1/p' "$report/summary.json")
        git checkout -q -B "$branch"
        git -c user.name="${GIT_AUTHOR_NAME:-feedharness}" \
            -c user.email="${GIT_AUTHOR_EMAIL:-feedharness@users.noreply.github.com}" \
            commit -q -m "feedharness: re-recorded cassettes of $day"
        git push -q -f "$remote" "$branch"
        git checkout -q -
        $post pr "$branch" "feedharness: re-recorded cassettes" "$report/pull-request.md"
    fi
fi
exit "$status"
