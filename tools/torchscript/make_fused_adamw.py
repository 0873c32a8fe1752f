"""Writes toolkit-core/src/main/resources/dev/nlptoolkit/core/train/fused_adamw.pt, the TorchScript
module through which AdamW reaches libtorch's fused AdamW kernel (torch.optim.AdamW(fused=True)'s),
which DJL 0.36 does not expose.

Run with torch 2.7.1, the libtorch DJL bundles (the archive records the version that wrote it):
    python tools/torchscript/make_fused_adamw.py
The module holds no tensors: only the code below, compiled by libtorch when it is loaded.
"""
import pathlib
from typing import List

import torch

OUT = (pathlib.Path(__file__).resolve().parents[2]
       / "toolkit-core/src/main/resources/dev/nlptoolkit/core/train/fused_adamw.pt")


class FusedAdamW(torch.nn.Module):
    """One AdamW step for a group of parameters sharing lr and weight decay, in place.

    steps holds each parameter's update count, this update included (float32 scalars, as torch's
    optimizer state): torch.optim.AdamW increments them before it calls the kernel.
    """

    def forward(self, params: List[torch.Tensor], grads: List[torch.Tensor], exp_avgs: List[torch.Tensor],
                exp_avg_sqs: List[torch.Tensor], steps: List[torch.Tensor], lr: float, beta1: float,
                beta2: float, weight_decay: float, eps: float) -> int:
        with torch.no_grad():
            torch._fused_adamw_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=lr, beta1=beta1, beta2=beta2,
                                weight_decay=weight_decay, eps=eps, amsgrad=False, maximize=False)
        return len(params)


if __name__ == "__main__":
    assert torch.__version__.startswith("2.7.1"), f"use torch 2.7.1 (DJL 0.36's libtorch), not {torch.__version__}"
    torch.jit.script(FusedAdamW()).save(str(OUT))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
