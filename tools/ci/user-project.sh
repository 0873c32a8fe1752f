#!/usr/bin/env bash
# Checks the README's "In your own Maven project" section as a user meets it: builds a throwaway
# Maven project outside the repository from the README's <dependency> and Java blocks, predicts with
# it on test-fixtures/tiny-bert, and checks that the CUDA <exclusion> block leaves the bundled CPU
# libtorch out of the dependency tree.
#
#   tools/ci/user-project.sh        (MAVEN_REPO_LOCAL: the local repository; default ~/.m2/repository)
#
# Installs the toolkit's jars into the local repository first when they are not there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)"
marker='<!-- tools/ci/user-project.sh builds a project from the next two blocks'

mvn_() {
    # offline first, as CI has the dependencies cached; online when a plugin is missing
    mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$repo" -o "$@" \
        || mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$repo" "$@"
}

# The fenced blocks after the marker: 1 the dependency, 2 the Java, 3 the CUDA dependency.
block() {
    awk -v marker="$marker" -v want="$1" '
        index($0, marker) { on = 1; next }
        on && /^```/ { if (inside) { inside = 0; n++; if (n == want) exit } else { inside = 1 }; next }
        on && inside && n == want - 1 { print }
    ' "$root/README.md"
}
dependency="$(block 1)"
java_snippet="$(block 2)"
cuda_dependency="$(block 3)"
for part in dependency java_snippet cuda_dependency; do
    if [[ -z "${!part}" ]]; then
        echo "user-project.sh: README.md has no $part block after '$marker'" >&2
        exit 1
    fi
done
if ! grep -q "<version>$version</version>" <<<"$dependency"; then
    echo "user-project.sh: README.md's <dependency> does not name version $version" >&2
    exit 1
fi

for module in toolkit-core toolkit-plot toolkit-models toolkit-tasks; do
    if [[ ! -f "$repo/dev/nlptoolkit/$module/$version/$module-$version.jar" ]]; then
        echo "user-project.sh: mvn install -DskipTests (toolkit $version into $repo)" >&2
        (cd "$root" && mvn -B -q -Dstyle.color=never install -DskipTests -Dmaven.repo.local="$repo") >&2
        break
    fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/user-project.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# A user's pom: the README's dependency, Java 17, the plugin versions the toolkit builds with.
pom() {
    cat <<POM
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.example</groupId>
  <artifactId>uses-nlptoolkit</artifactId>
  <version>1.0</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencies>
$1
  </dependencies>
  <build>
    <plugins>
      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
      <plugin><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
      <plugin><artifactId>maven-surefire-plugin</artifactId><version>3.5.2</version></plugin>
      <plugin><artifactId>maven-jar-plugin</artifactId><version>3.4.2</version></plugin>
    </plugins>
  </build>
</project>
POM
}

mkdir -p "$work/cpu/src/main/java/org/example"
pom "$dependency" > "$work/cpu/pom.xml"
cat > "$work/cpu/src/main/java/org/example/Predict.java" <<JAVA
package org.example;

import dev.nlptoolkit.tasks.classify.ClassifierModel;
import dev.nlptoolkit.tasks.classify.Prediction;
import dev.nlptoolkit.tasks.classify.TextInput;

import java.nio.file.Path;
import java.util.List;

public final class Predict {
    public static void main(String[] args) throws Exception {
$java_snippet
    }
}
JAVA
(cd "$work/cpu" && mvn_ package -DskipTests && mvn_ dependency:build-classpath -Dmdep.outputFile=classpath.txt)
if ! grep -q "pytorch-native-cpu" "$work/cpu/classpath.txt"; then
    echo "user-project.sh: the <dependency> block does not bring the bundled CPU libtorch" >&2
    exit 1
fi
out="$(cd "$work/cpu" && DJL_OFFLINE=true java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "target/classes:$(cat classpath.txt)" org.example.Predict "$root/test-fixtures/tiny-bert" 2>"$work/err")" || {
    cat "$work/err" >&2
    echo "user-project.sh: the README's Java block failed in a user's project" >&2
    exit 1
}
if ! grep -Eq '^LABEL_[01] \{LABEL_0=[0-9.E-]+, LABEL_1=[0-9.E-]+\}$' <<<"$out"; then
    echo "user-project.sh: unexpected prediction output: $out" >&2
    exit 1
fi
echo "user-project.sh: a user's project predicts: $out" >&2

mkdir -p "$work/cuda"
pom "$cuda_dependency" > "$work/cuda/pom.xml"
(cd "$work/cuda" && mvn_ dependency:build-classpath -Dmdep.outputFile=classpath.txt)
classpath="$(cat "$work/cuda/classpath.txt")"
if [[ "$classpath" == *pytorch-native-cpu* || "$classpath" != *pytorch-engine* ]]; then
    echo "user-project.sh: the CUDA <exclusion> block should leave pytorch-native-cpu out and keep the engine" >&2
    exit 1
fi
echo "user-project.sh: the CUDA block leaves the bundled CPU libtorch out" >&2
