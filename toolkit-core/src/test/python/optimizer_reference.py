"""Expected values for AdamWTest and SgdTest, computed in float32 with numpy following
torch.optim.AdamW / torch.optim.SGD (single-tensor CPU path, torch 2.x) operation by operation.

torch's CPU lerp kernel uses a fused multiply-add, emulated here by computing in float64 (the
product of two float32 values is exact there) and rounding once. Run: python3 optimizer_reference.py
"""
import numpy as np

f = np.float32

# Gradients per step; loss_t = sum(w * G_t) makes the gradient exactly G_t.
W0 = np.array([[0.5, -1.25, 2.0], [0.75, -0.3, 1.1]], dtype=f)
B0 = np.array([0.1, -0.2, 0.3], dtype=f)
GW = [np.array([[0.3, -0.7, 1.5], [-2.0, 0.05, 0.9]], dtype=f),
      np.array([[-0.4, 0.2, 0.6], [1.0, -0.5, 0.25]], dtype=f),
      np.array([[0.1, 0.1, -0.9], [0.3, 0.8, -0.6]], dtype=f)]
GB = [np.array([0.5, -0.25, 1.0], dtype=f),
      np.array([-1.5, 0.75, 0.125], dtype=f),
      np.array([0.2, -0.1, 0.4], dtype=f)]
LR = [0.1, 0.05, 0.02]


def lerp(start, end, weight):
    w = f(weight)
    return (start.astype(np.float64) + np.float64(w) * (end - start).astype(np.float64)).astype(f)


def adamw(p, grads, decay, beta1=0.9, beta2=0.999, eps=1e-8, wd=0.1):
    p = p.copy()
    m = np.zeros_like(p)
    v = np.zeros_like(p)
    for t, (g, lr) in enumerate(zip(grads, LR), start=1):
        if decay:
            p = p * f(1 - lr * wd)
        m = lerp(m, g, 1 - beta1)
        v = v * f(beta2)
        v = v + (f(1 - beta2) * g) * g
        bc1 = 1 - beta1 ** t
        bc2_sqrt = (1 - beta2 ** t) ** 0.5
        step_size = lr / bc1
        denom = (np.sqrt(v) / f(bc2_sqrt)) + f(eps)
        p = p + (f(-step_size) * m) / denom
    return p, m, v


def sgd(p, grads, momentum):
    p = p.copy()
    buf = None
    for g, lr in zip(grads, LR):
        if momentum:
            buf = g.copy() if buf is None else buf * f(momentum) + g
            g = buf
        p = p + f(-lr) * g
    return p


def show(name, a):
    print(name, ", ".join("%.9gf" % x for x in a.ravel()))


w, mw, vw = adamw(W0, GW, decay=True)
b, mb, vb = adamw(B0, GB, decay=False)
show("adamw weight", w)
show("adamw bias", b)
show("adamw exp_avg weight", mw)
show("adamw exp_avg_sq weight", vw)
show("sgd weight", sgd(W0, GW, 0))
show("sgd momentum 0.9 weight", sgd(W0, GW, 0.9))
