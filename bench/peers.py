"""The Python peers of `./toolkit bench`: the same workloads in PyTorch eager and in transformers.

    python bench/peers.py WORKLOAD [--impl torch|hf-eager|hf-sdpa] [--threads N] [--steps N] [--warmup N]
                          [--no-cache]

prints one JSON line with the keys `./toolkit bench` prints ({"workload", "throughput", "unit", "threads",
"steps", "spread", "peak_rss_mb", "torch", ...}). Shapes, optimisers and units are those of
toolkit-tasks' dev.nlptoolkit.tasks.bench (see bench/README.md); inputs are seeded random ids made
before the timed region; each figure is the median of the timed steps.
"""
import argparse
import json
import math
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

UNITS = {"gemm": "GFLOP/s", "lstm-train": "tokens/s", "bert-train": "tokens/s", "bert-infer": "sequences/s",
         "bert-latency": "ms", "score-csv": "rows/s", "translate-greedy": "tokens/s"}

# BERT-mini, as BertMini.java
LAYERS, HIDDEN, HEADS, INTERMEDIATE, VOCAB, POSITIONS, LABELS = 4, 256, 4, 1024, 30522, 512, 2
TRAIN_BATCH, INFER_BATCH, LENGTH, LATENCY_LENGTH = 32, 64, 128, 32


class LstmAttention(nn.Module):
    """LstmTrain.java: embedding 20000 x 128, BiLSTM 128 per direction, attention pooling, Linear 256 -> 2.

    The pooling is the toolkit's AttentionPooling (Lin et al. 2017): W_s1 and w_s2 both without bias.
    """

    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(20000, 128, padding_idx=0)
        self.lstm = nn.LSTM(128, 128, batch_first=True, bidirectional=True)
        self.ws1 = nn.Linear(256, 128, bias=False)
        self.ws2 = nn.Linear(128, 1, bias=False)
        self.classifier = nn.Linear(256, 2)

    def forward(self, ids):
        states, _ = self.lstm(self.embedding(ids))                              # (B, T, 256)
        weights = torch.softmax(self.ws2(torch.tanh(self.ws1(states))).squeeze(-1), dim=-1)  # (B, T)
        pooled = torch.bmm(weights.unsqueeze(1), states).squeeze(1)             # (B, 256)
        return self.classifier(pooled)


class BertLayer(nn.Module):
    """One post-LN BERT layer, written out as transformers' eager BertLayer computes it."""

    def __init__(self):
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)
        self.attention_output = nn.Linear(HIDDEN, HIDDEN)
        self.attention_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.intermediate = nn.Linear(HIDDEN, INTERMEDIATE)
        self.output = nn.Linear(INTERMEDIATE, HIDDEN)
        self.output_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x, additive_mask):
        b, t, _ = x.shape
        d = HIDDEN // HEADS

        def heads(y):                                                           # (B, T, H) -> (B, N, T, d)
            return y.view(b, t, HEADS, d).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + additive_mask         # (B, N, T, T)
        context = self.dropout(torch.softmax(scores, dim=-1)) @ v               # (B, N, T, d)
        context = context.transpose(1, 2).reshape(b, t, HIDDEN)
        x = self.attention_norm(x + self.dropout(self.attention_output(context)))
        h = self.output(F.gelu(self.intermediate(x)))
        return self.output_norm(x + self.dropout(h))


class BertClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.word = nn.Embedding(VOCAB, HIDDEN, padding_idx=0)
        self.position = nn.Embedding(POSITIONS, HIDDEN)
        self.token_type = nn.Embedding(2, HIDDEN)
        self.embedding_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
        self.dropout = nn.Dropout(0.1)
        self.layers = nn.ModuleList(BertLayer() for _ in range(LAYERS))
        self.pooler = nn.Linear(HIDDEN, HIDDEN)
        self.classifier = nn.Linear(HIDDEN, LABELS)

    def forward(self, ids, mask, types):
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        x = self.dropout(self.embedding_norm(self.word(ids) + self.position(positions) + self.token_type(types)))
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, additive)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return self.classifier(self.dropout(pooled))


# translate-greedy, as TranslateGreedy.java: pre-LN Transformer, 3 + 3 layers, shared vocabulary (also the output layer)
T_VOCAB, T_MODEL, T_HEADS, T_FF, T_LAYERS = 8000, 256, 4, 1024, 3
T_BATCH, T_SOURCE, T_STEPS = 64, 16, 32
PAD, BOS, EOS, FIRST_WORD = 0, 2, 3, 4


def sinusoidal_table(positions, dim):
    """PE(p, 2i) = sin(p / 10000^(2i/E)), PE(p, 2i+1) = cos(...), interleaved, as SinusoidalPositionalEncoding."""
    p = torch.arange(positions, dtype=torch.float32).unsqueeze(1)
    angles = p * torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    return torch.stack((angles.sin(), angles.cos()), dim=2).reshape(positions, dim)


class Attention(nn.Module):
    """Multi-head attention written out: separate Q, K, V and output projections, additive masks."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.out = (nn.Linear(T_MODEL, T_MODEL) for _ in range(4))

    def heads(self, y):                                                         # (B, T, E) -> (B, N, T, d)
        b, t, _ = y.shape
        return y.view(b, t, T_HEADS, T_MODEL // T_HEADS).transpose(1, 2)

    def project_kv(self, memory):
        return self.heads(self.k(memory)), self.heads(self.v(memory))

    def attend(self, query, k, v, additive):
        b, t, _ = query.shape
        q = self.heads(self.q(query))
        scores = q @ k.transpose(-1, -2) / math.sqrt(T_MODEL // T_HEADS)
        if additive is not None:
            scores = scores + additive
        context = torch.softmax(scores, dim=-1) @ v                             # (B, N, Tq, d)
        return self.out(context.transpose(1, 2).reshape(b, t, T_MODEL))


class EncoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn, self.norm1, self.norm2 = Attention(), nn.LayerNorm(T_MODEL), nn.LayerNorm(T_MODEL)
        self.linear1, self.linear2 = nn.Linear(T_MODEL, T_FF), nn.Linear(T_FF, T_MODEL)

    def forward(self, x, additive):
        h = self.norm1(x)
        x = x + self.self_attn.attend(h, *self.self_attn.project_kv(h), additive)
        return x + self.linear2(F.relu(self.linear1(self.norm2(x))))


class DecoderLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn, self.cross_attn = Attention(), Attention()
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(T_MODEL) for _ in range(3))
        self.linear1, self.linear2 = nn.Linear(T_MODEL, T_FF), nn.Linear(T_FF, T_MODEL)

    def forward(self, x, memory_kv, memory_additive, cache=None, causal=None):
        """x (B, Tq, E). With `cache` (a dict, empty at the first step) the new keys and values are appended
        to the cached ones; without, x is the whole prefix, causally masked."""
        h = self.norm1(x)
        k, v = self.self_attn.project_kv(h)
        if cache is not None:
            if cache:
                k, v = torch.cat((cache["k"], k), dim=2), torch.cat((cache["v"], v), dim=2)
            cache["k"], cache["v"] = k, v
        x = x + self.self_attn.attend(h, k, v, causal)
        x = x + self.cross_attn.attend(self.norm2(x), *memory_kv, memory_additive)
        return x + self.linear2(F.relu(self.linear1(self.norm3(x))))


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(T_VOCAB, T_MODEL, padding_idx=PAD)
        nn.init.normal_(self.embedding.weight, std=T_MODEL ** -0.5)
        self.register_buffer("positions", sinusoidal_table(256, T_MODEL))
        self.encoder = nn.ModuleList(EncoderLayer() for _ in range(T_LAYERS))
        self.decoder = nn.ModuleList(DecoderLayer() for _ in range(T_LAYERS))
        self.encoder_norm, self.decoder_norm = nn.LayerNorm(T_MODEL), nn.LayerNorm(T_MODEL)

    def embed(self, ids, offset):
        return self.embedding(ids) * math.sqrt(T_MODEL) + self.positions[offset:offset + ids.shape[1]]

    def encode(self, source, mask):
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min    # (B, 1, 1, S)
        x = self.embed(source, 0)
        for layer in self.encoder:
            x = layer(x, additive)
        return self.encoder_norm(x), additive

    def logits(self, x):                                                        # tied: (B, E) x (E, V)
        return F.linear(self.decoder_norm(x), self.embedding.weight)

    def greedy(self, source, mask, steps, use_cache):
        """GreedyDecoder's steps with min length = max length = steps - 1: eos banned before the last step,
        forced at it; pad and bos always banned. Returns the tokens (B, steps), eos last. The encoder runs
        in the call, as GreedyDecoder.decode runs it."""
        memory, additive = self.encode(source, mask)
        if use_cache:
            memory_kv = [layer.cross_attn.project_kv(memory) for layer in self.decoder]
            caches = [{} for _ in self.decoder]
        ban = torch.zeros(T_VOCAB)
        ban[PAD] = ban[BOS] = float("-inf")
        early = ban.clone()
        early[EOS] = float("-inf")
        b = source.shape[0]
        tokens = torch.full((b, 1), BOS, dtype=torch.long)
        score = torch.zeros(b)
        history = []  # read to the host every step, as GreedyDecoder reads its tokens and scores
        for t in range(steps):
            if use_cache:
                x = self.embed(tokens[:, -1:], t)
                for layer, kv, cache in zip(self.decoder, memory_kv, caches):
                    x = layer(x, kv, additive, cache=cache)
            else:
                x = self.embed(tokens, 0)
                causal = torch.triu(torch.full((t + 1, t + 1), float("-inf")), diagonal=1)
                for layer in self.decoder:
                    x = layer(x, layer.cross_attn.project_kv(memory), additive, causal=causal)
            unbanned = torch.log_softmax(self.logits(x[:, -1]), dim=-1)
            lprobs = unbanned + (early if t < steps - 1 else ban)
            best = lprobs.argmax(dim=-1)
            if t == steps - 1:
                best = torch.full_like(best, EOS)
                score += unbanned[:, EOS]
            else:
                score += lprobs.gather(1, best.unsqueeze(1)).squeeze(1)
            history.append(best.tolist())
            tokens = torch.cat((tokens, best.unsqueeze(1)), dim=1)
        return tokens[:, 1:]


def translate_greedy(args, extras):
    model = Seq2Seq()
    model.eval()
    source = torch.randint(FIRST_WORD, T_VOCAB, (T_BATCH, T_SOURCE))
    mask = torch.ones_like(source)
    generated = []
    with torch.inference_mode():
        nanos = time_steps(lambda: generated.append(model.greedy(source, mask, T_STEPS, not args.no_cache)), args)
    count = generated[-1].numel()
    assert count == T_BATCH * T_STEPS and bool((generated[-1][:, -1] == EOS).all()), count
    extras.update({"cache": not args.no_cache, "batch": T_BATCH, "source_length": T_SOURCE,
                   "decoder_steps": T_STEPS, "generated_tokens": count})
    return nanos, lambda median_s: count / median_s, extras


def hf_model(impl):
    from transformers import BertConfig, BertForSequenceClassification
    config = BertConfig(vocab_size=VOCAB, hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                        intermediate_size=INTERMEDIATE, hidden_act="gelu", max_position_embeddings=POSITIONS,
                        type_vocab_size=2, num_labels=LABELS, attn_implementation=impl.removeprefix("hf-"))
    model = BertForSequenceClassification(config)
    assert model.config._attn_implementation == impl.removeprefix("hf-"), model.config._attn_implementation
    return model


def bert_model(impl):
    if impl == "torch":
        model = BertClassifier()
        return model, lambda ids, mask, types: model(ids, mask, types)
    model = hf_model(impl)
    return model, lambda ids, mask, types: model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits


def adamw_no_decay_on_bias_and_norm(model, lr, weight_decay):
    """As the toolkit's AdamW.decayExceptBiasAndNorm(): no decay on biases and LayerNorm weights."""
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if name.endswith("bias") or "norm" in name.lower() else decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay},
                              {"params": no_decay, "weight_decay": 0.0}], lr=lr)


CPU_NANOS = []  # process CPU time of each timed step, reported as cpu_ms (their median), as the toolkit does


def time_steps(step, args):
    nanos = []
    last = args.warmup + args.steps - 1
    for i in range(args.warmup + args.steps):
        start, cpu_start = time.perf_counter_ns(), time.process_time_ns()
        if args.profile and i == last:
            # the last timed step, as `./toolkit bench --profile` traces its last one
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU], record_shapes=True) as prof:
                step()
            prof.export_chrome_trace(args.profile)
        else:
            step()
        elapsed, cpu = time.perf_counter_ns() - start, time.process_time_ns() - cpu_start
        if i >= args.warmup:
            nanos.append(elapsed)
            CPU_NANOS.append(cpu)
    return nanos


def process_age_s():
    """Seconds since this process started (Linux /proc), so start-up includes importing torch."""
    import os
    with open("/proc/self/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return uptime - start_ticks / os.sysconf("SC_CLK_TCK")


def score_csv(args, extras):
    """ScoreCsv.java: a random BERT-mini saved with save_pretrained and the bert-base-uncased tokenizer,
    a transformers pipeline over the SST-2 training sentences as a CSV (column text), the labels and
    scores written to a CSV; a one-row file first, for the start-up time."""
    import csv
    import shutil
    import tempfile
    from pathlib import Path
    from transformers import BertTokenizerFast, pipeline

    with open("datasets/sst2/train.tsv", encoding="utf-8") as f:
        sentences = [line.rstrip("\n").split("\t", 1)[1] for line in list(f)[1:]]
    assert len(sentences) == 67349, len(sentences)
    work = Path(tempfile.mkdtemp(prefix="peer-score-csv"))
    hf_model("hf-eager").save_pretrained(work / "model")
    tokenizer = BertTokenizerFast(vocab_file="datasets/tokenizers/bert-base-uncased/vocab.txt",
                                  tokenizer_file="datasets/tokenizers/bert-base-uncased/tokenizer.json",
                                  do_lower_case=True, model_max_length=128)
    tokenizer.save_pretrained(work / "model")

    def write_input(path, texts):
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["text"])
            writer.writerows([t] for t in texts)

    write_input(work / "one.csv", sentences[:1])
    write_input(work / "all.csv", sentences)
    classify = pipeline("text-classification", model=str(work / "model"), device="cpu")

    def score(source, target):
        with open(source, newline="", encoding="utf-8") as f:
            texts = [row["text"] for row in csv.DictReader(f)]
        results = classify(texts, batch_size=64, truncation=True, max_length=128)
        with open(target, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["text", "label", "score"])
            for text, r in zip(texts, results):
                writer.writerow([text, r["label"], f"{r['score']:.6f}"])
        return len(texts)

    try:
        score(work / "one.csv", work / "one.scored.csv")
        extras["startup_s"] = round(process_age_s(), 2)
        rows = []
        nanos = time_steps(lambda: rows.append(score(work / "all.csv", work / "all.scored.csv")), args)
    finally:
        shutil.rmtree(work)
    extras["rows"], extras["impl"] = rows[-1], "hf-pipeline"
    return nanos, lambda median_s: rows[-1] / median_s, extras


def train_step(model, forward, optimizer, batch, labels):
    def step():
        logits = forward(*batch)
        loss = F.cross_entropy(logits, labels)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return step


def run(args):
    torch.manual_seed(42)
    extras = {}
    if args.workload == "gemm":
        n = 2048
        a, b = torch.rand(n, n) * 2 - 1, torch.rand(n, n) * 2 - 1
        nanos = time_steps(lambda: a @ b, args)
        flops = 2.0 * n ** 3
        extras["flops_per_step"] = flops
        return nanos, lambda median_s: flops / median_s / 1e9, extras
    if args.workload == "lstm-train":
        model = LstmAttention()
        model.train()
        ids = torch.randint(1, 20000, (64, 64))
        labels = torch.randint(0, 2, (64,))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        nanos = time_steps(train_step(model, model, optimizer, (ids,), labels), args)
        return nanos, lambda median_s: 64 * 64 / median_s, extras
    if args.workload == "score-csv":
        return score_csv(args, extras)
    if args.workload == "translate-greedy":
        return translate_greedy(args, extras)
    model, forward = bert_model(args.impl)
    if args.workload == "bert-train":
        model.train()
        shape = (TRAIN_BATCH, LENGTH)
        batch = (torch.randint(0, VOCAB, shape), torch.ones(shape, dtype=torch.long), torch.zeros(shape, dtype=torch.long))
        labels = torch.randint(0, LABELS, (TRAIN_BATCH,))
        optimizer = adamw_no_decay_on_bias_and_norm(model, 1e-4, 0.01)
        nanos = time_steps(train_step(model, forward, optimizer, batch, labels), args)
        flops = 3.0 * LAYERS * (8 * HIDDEN ** 2 + 4 * HIDDEN * INTERMEDIATE + 4 * LENGTH * HIDDEN)
        extras["flops_per_token"] = flops
        return nanos, lambda median_s: TRAIN_BATCH * LENGTH / median_s, extras
    model.eval()
    batch_size, length = (INFER_BATCH, LENGTH) if args.workload == "bert-infer" else (1, LATENCY_LENGTH)
    shape = (batch_size, length)
    batch = (torch.randint(0, VOCAB, shape), torch.ones(shape, dtype=torch.long), torch.zeros(shape, dtype=torch.long))
    with torch.inference_mode():
        nanos = time_steps(lambda: forward(*batch), args)
    if args.workload == "bert-infer":
        return nanos, lambda median_s: batch_size / median_s, extras
    ordered = sorted(nanos)
    quantile = lambda q: ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))] / 1e6
    extras["p50_ms"], extras["p99_ms"] = quantile(0.5), quantile(0.99)
    return nanos, lambda median_s: quantile(0.5), extras


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=sorted(UNITS))
    parser.add_argument("--impl", default="torch", choices=["torch", "hf-eager", "hf-sdpa"],
                        help="BERT workloads: hand-written eager modules or transformers' BertForSequenceClassification")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--no-cache", action="store_true",
                        help="translate-greedy: re-decode the whole prefix at every step (no key/value cache)")
    parser.add_argument("--show-config", action="store_true", help="print torch.__config__.show() to stderr")
    parser.add_argument("--profile", metavar="TRACE.json",
                        help="write a torch.profiler trace of the last timed step (bench/profile_summary.py reads it)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.show_config:
        print(torch.__config__.show(), file=sys.stderr)
    nanos, throughput, extras = run(args)
    median_s = statistics.median(nanos) / 1e9
    result = {"workload": args.workload, "throughput": round(throughput(median_s), 4 - 1 - int(math.floor(
        math.log10(abs(throughput(median_s)))))), "unit": UNITS[args.workload], "threads": args.threads,
        "steps": args.steps, "spread": (max(nanos) - min(nanos)) / 1e9 / median_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__,
        "impl": args.impl, "cpu_ms": round(statistics.median(CPU_NANOS) / 1e6, 1), "allocator": allocator(),
        "torch_features": torch_features()}
    result.update(extras)
    print(json.dumps(result))


def torch_features():
    """The CPU libraries torch was built with, named as DJL names ours (OPENMP, MKL, MKLDNN)."""
    available = {"OPENMP": torch.backends.openmp.is_available(), "MKL": torch.backends.mkl.is_available(),
                 "MKLDNN": torch.backends.mkldnn.is_available()}
    return sorted(name for name, present in available.items() if present)


def allocator():
    """The malloc library mapped into this process (compare.sh --same-malloc preloads ours), else glibc."""
    try:
        with open("/proc/self/maps") as maps:
            names = {line.rsplit("/", 1)[-1] for line in maps if "/" in line}
    except OSError:
        return "unknown"
    return next((a for a in ("tcmalloc", "jemalloc", "mimalloc") if any(n.startswith("lib" + a) for n in names)),
                "glibc")


if __name__ == "__main__":
    main()
