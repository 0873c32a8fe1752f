package dev.nlptoolkit.models.transformer;

/** Where a transformer layer normalises around each residual sublayer. */
public enum NormPlacement {
    /** norm(x + sublayer(x)): Vaswani et al. 2017 and BERT; torch's {@code norm_first=False}. */
    POST,
    /** x + sublayer(norm(x)): Xiong et al. 2020, steadier to train deep; torch's {@code norm_first=True}. */
    PRE
}
