#!/usr/bin/env bash
# Executes the notebooks headless on the JJava kernel, in order, and stops at the first cell that
# fails, naming the notebook and the cell.
#
#   notebooks/run.sh [--update] [--install] [--retrain] [NOTEBOOK.ipynb...]
#
# Default: the executed copies go to $NOTEBOOKS_OUT (default: a new temporary directory) and the
# committed notebooks are left as they are; that is what CI runs. --update writes the outputs back
# into the committed notebooks (commit them: readers see the plots without running anything).
# --install runs `mvn install` even when the toolkit's jars are already in the local repository.
# --retrain trains 03-translation's model again although one is cached.
#
# 03-translation loads a translator that this script trains once, with `./toolkit demo translate
# --out notebooks/.cache/demo-translate` (about 5 minutes; ignored by git), and keeps for later runs.
#
# Each notebook runs through nbconvert's ExecutePreprocessor (what `jupyter nbconvert --to notebook
# --execute --ExecutePreprocessor.kernel_name=java` runs; execute.py) on the JJava kernel.
#
# Installs what is missing: nbconvert, nbclient and the JJava kernel into a virtual environment
# under notebooks/.venv (ignored by git; NOTEBOOKS_VENV moves it), and the toolkit's jars into the
# local Maven repository (`mvn -q install -DskipTests`), from which the notebooks' `%maven` cells
# resolve them offline. MAVEN_REPO_LOCAL names another local repository for both.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="${NOTEBOOKS_VENV:-$here/.venv}"
repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
# pinned, so that a fresh machine executes with what the committed outputs were made with
python_packages=(nbconvert==7.17.2 nbclient==0.11.0 ipykernel==7.4.0 jjava==1.0a8)

update=false
install=false
retrain=false
notebooks=()
for arg in "$@"; do
    case "$arg" in
        --update) update=true ;;
        --install) install=true ;;
        --retrain) retrain=true ;;
        -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "run.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
        *) notebooks+=("$(cd "$(dirname "$arg")" && pwd)/$(basename "$arg")") ;;
    esac
done
if [[ ${#notebooks[@]} -eq 0 ]]; then
    notebooks=("$here"/[0-9][0-9]-*.ipynb)
fi

if [[ ! -x "$venv/bin/jupyter-nbconvert" ]] || [[ ! -f "$venv/share/jupyter/kernels/java/kernel.json" ]]; then
    echo "run.sh: installing ${python_packages[*]} into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --pre "${python_packages[@]}"
fi

version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
# The notebooks must run this tree's code: a jar in the local repository that another checkout
# installed, or one older than the sources here, is replaced (the repository is shared).
stale=false
for module in toolkit-core toolkit-plot toolkit-models toolkit-tasks; do
    installed="$repo/dev/nlptoolkit/$module/$version/$module-$version.jar"
    built="$root/$module/target/$module-$version.jar"
    if [[ ! -f "$installed" || ! -f "$built" ]] || ! cmp -s "$installed" "$built" \
        || [[ -n "$(find "$root/pom.xml" "$root/$module/pom.xml" "$root/$module/src/main" -newer "$built" -print -quit)" ]]; then
        stale=true
    fi
done
if $install || $stale; then
    echo "run.sh: mvn install -DskipTests (toolkit $version into $repo)" >&2
    (cd "$root" && mvn -q -B -Dstyle.color=never install -DskipTests -Dmaven.repo.local="$repo") >&2
fi
for nb in "${notebooks[@]}"; do
    if ! grep -q "dev.nlptoolkit:toolkit-tasks:$version" "$nb"; then
        echo "run.sh: $(basename "$nb") does not load toolkit-tasks $version with %maven; update its first cell" >&2
        exit 1
    fi
done

# The kernel's JVM runs the toolkit: give it the launcher's allocator, tcmalloc where it is installed
# (bench/README.md, "tcmalloc"; 03's training below, through the launcher, keeps it). TOOLKIT_MALLOC as
# for the launcher, except that glibc-tuned runs the kernel on glibc's defaults; an LD_PRELOAD that
# already names a malloc is left alone.
# shellcheck source=../tools/lib/tcmalloc.sh
source "$root/tools/lib/tcmalloc.sh"
if use_tcmalloc "${TOOLKIT_MALLOC:-auto}" run.sh; then
    echo "run.sh: the kernel runs with LD_PRELOAD=$LD_PRELOAD" >&2
fi

out="${NOTEBOOKS_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/notebooks.XXXXXX")}"
mkdir -p "$out"

# training.json is written last, so a run that was stopped halfway trains again
translator="$here/.cache/demo-translate"
if [[ " ${notebooks[*]} " == *"/03-translation.ipynb "* ]] && { $retrain || [[ ! -f "$translator/model/training.json" ]]; }; then
    echo "run.sh: training 03-translation's model once: ./toolkit demo translate --out $translator (about 5 min)" >&2
    rm -rf "$translator"
    mkdir -p "$translator"
    if ! (cd "$root" && ./toolkit demo translate --out "$translator") > "$translator/demo.log" 2>&1; then
        tail -30 "$translator/demo.log" >&2
        echo "run.sh: ./toolkit demo translate failed; its output is in $translator/demo.log" >&2
        exit 1
    fi
    grep '^Validation BLEU' "$translator/demo.log" >&2 || true
fi
# Headless Java2D for the charts; DJL's INFO lines kept out of the cell outputs; JJava's %maven
# reads the local repository that maven.repo.local names; English number formats whatever the
# machine's locale, so that outputs are the same everywhere. JJAVA_JVM_OPTS_EXTRA adds options.
JJAVA_JVM_OPTS="-Djava.awt.headless=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dmaven.repo.local=$repo"
export JJAVA_JVM_OPTS="$JJAVA_JVM_OPTS -Duser.language=en -Duser.country=US ${JJAVA_JVM_OPTS_EXTRA:-}"
export DJL_OFFLINE=true

for nb in "${notebooks[@]}"; do
    name="$(basename "$nb")"
    start=$SECONDS
    if $update; then target="$nb"; else target="$out/$name"; fi
    log="$out/${name%.ipynb}.log"
    if ! "$venv/bin/python" "$here/execute.py" "$nb" "$target" java 2> "$log"; then
        # the kernel's own start and stop lines ("[I ...]") say nothing about the failure
        grep -v '^\[I ' "$log" | tail -30 >&2
        exit 1
    fi
    echo "run.sh: $name ok in $((SECONDS - start)) s" >&2
done
$update || echo "run.sh: executed notebooks in $out" >&2
