"""A linear baseline for the TREC hold-out of the issue-13 notes: a linear SVM (scikit-learn's LinearSVC)
on binary word unigram and bigram features of the lower-cased question, trained on train.label, C
chosen on dev.label, scored once on test.label: the scale against which the from-scratch neural
models of README.md are read.

  python tools/quality/trec_linear_baseline.py runs/quality/trec-split

Needs scikit-learn (a reference tool, never a dependency of the product).
"""
import sys

from sklearn.feature_extraction.text import CountVectorizer
from sklearn.svm import LinearSVC


def read(path):
    texts, labels = [], []
    with open(path, encoding="latin-1") as f:
        for line in f:
            label, text = line.rstrip("\n").split(" ", 1)
            texts.append(text.lower())
            labels.append(label.split(":")[0])
    return texts, labels


def main():
    split = sys.argv[1]
    train, dev, test = (read(f"{split}/{name}.label") for name in ("train", "dev", "test"))
    # the questions come tokenised: split on white space only, so "?" and "'s" are features too
    features = CountVectorizer(ngram_range=(1, 2), binary=True, token_pattern=r"\S+", lowercase=False)
    x_train = features.fit_transform(train[0])
    best = None
    for c in (0.1, 0.3, 1.0, 3.0):
        model = LinearSVC(C=c).fit(x_train, train[1])
        dev_accuracy = model.score(features.transform(dev[0]), dev[1])
        print(f"C {c}: dev {dev_accuracy:.3f}")
        if best is None or dev_accuracy > best[0]:
            best = (dev_accuracy, c, model)
    dev_accuracy, c, model = best
    print(f"chosen C {c}: dev {dev_accuracy:.3f} test {model.score(features.transform(test[0]), test[1]):.3f}")


if __name__ == "__main__":
    main()
