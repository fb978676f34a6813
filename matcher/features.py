"""Sparse TF-IDF feature spaces over analysed documents with weighted fields.

A document is a mapping field -> content tokens (see `matcher.analysis.content_tokens`).
Three spaces are built from the same tokens:

- "word": Snowball stems of the tokens (German and English stems share the space),
- "bigram": stem bigrams of adjacent content tokens,
- "char": character 3–5-grams inside each word (Breitbandausbau ~ Breitband).

Counts are summed over fields with the field weights, damped with log(1 + tf) (sublinear
TF), multiplied by IDF from the fitted collection and l2-normalised per space, so a dot
product of two rows is a cosine. Char n-grams are computed once per distinct token and
mapped with a sparse token × n-gram matrix, which keeps transform fast on large batches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from matcher.analysis import bigrams, token_char_ngrams, token_stem

SPACES = ("word", "bigram", "char")
Doc = Mapping[str, Sequence[str]]


def l2_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows and matrices stay as they are)."""
    m = sp.csr_matrix(m, dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


@dataclass
class Vectors:
    """Rows of documents in each space (CSR, l2-normalised)."""

    spaces: dict[str, sp.csr_matrix]

    @property
    def n(self) -> int:
        return next(iter(self.spaces.values())).shape[0]

    def rows(self, index: Sequence[int] | np.ndarray) -> Vectors:
        return Vectors({k: m[index] for k, m in self.spaces.items()})

    @staticmethod
    def vstack(parts: Sequence[Vectors]) -> Vectors:
        return Vectors({k: sp.vstack([p.spaces[k] for p in parts]).tocsr() for k in SPACES})


@dataclass
class FeatureSpace:
    """Vocabularies and IDF of the three spaces; fit on a collection, then transform."""

    min_df_bigram: int = 2
    vocab: dict[str, dict[str, int]] = field(default_factory=lambda: {k: {} for k in SPACES})
    idf: dict[str, np.ndarray] = field(default_factory=dict)
    # token -> (stem id or -1, char n-gram ids); a cache filled lazily, not state of the fit
    _token_features: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict, repr=False)

    def fit(self, docs: Sequence[Doc], weights: Mapping[str, float]) -> FeatureSpace:
        """Build the vocabularies from `docs` and the IDF from their document frequencies."""
        self.fit_vocabulary(docs)
        self.fit_idf([self.counts(docs, weights)])
        return self

    def fit_vocabulary(self, docs: Sequence[Doc]) -> FeatureSpace:
        """Stems and character n-grams of every token; bigrams seen in ≥ min_df documents."""
        stems: dict[str, int] = {}
        grams: dict[str, int] = {}
        bigram_df: Counter[str] = Counter()
        distinct: set[str] = set()
        for doc in docs:
            seen_bigrams: set[str] = set()
            for tokens in doc.values():
                distinct.update(tokens)
                seen_bigrams.update(bigrams(list(tokens)))
            bigram_df.update(seen_bigrams)
        for tok in sorted(distinct):
            stems.setdefault(token_stem(tok), len(stems))
            for g in token_char_ngrams(tok):
                grams.setdefault(g, len(grams))
        kept = sorted(b for b, df in bigram_df.items() if df >= self.min_df_bigram)
        self.vocab = {"word": stems, "bigram": {b: i for i, b in enumerate(kept)}, "char": grams}
        self._token_features = {}
        return self

    def fit_idf(self, counts: Sequence[dict[str, sp.csr_matrix]]) -> FeatureSpace:
        """Smoothed IDF, log((1 + n) / (1 + df)) + 1, from count matrices of the collection."""
        n = sum(c["word"].shape[0] for c in counts)
        for space in SPACES:
            df = np.zeros(len(self.vocab[space]))
            for c in counts:
                df += np.bincount(c[space].indices, minlength=c[space].shape[1])
            self.idf[space] = np.log((1.0 + n) / (1.0 + df)) + 1.0
        return self

    def _features_of(self, token: str) -> tuple[int, np.ndarray]:
        hit = self._token_features.get(token)
        if hit is None:
            stem_id = self.vocab["word"].get(token_stem(token), -1)
            grams = self.vocab["char"]
            ids = [grams[g] for g in token_char_ngrams(token) if g in grams]
            hit = (stem_id, np.asarray(ids, dtype=np.int64))
            self._token_features[token] = hit
        return hit

    def counts(self, docs: Sequence[Doc], weights: Mapping[str, float]) -> dict[str, sp.csr_matrix]:
        """Field-weighted raw counts in each space (before TF damping and IDF)."""
        local: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        b_rows: list[int] = []
        b_cols: list[int] = []
        b_vals: list[float] = []
        bigram_vocab = self.vocab["bigram"]
        for i, doc in enumerate(docs):
            for name, tokens in doc.items():
                w = weights.get(name, 0.0)
                if not w or not tokens:
                    continue
                for tok, c in Counter(tokens).items():
                    rows.append(i)
                    cols.append(local.setdefault(tok, len(local)))
                    vals.append(w * c)
                for bg, c in Counter(bigrams(list(tokens))).items():
                    j = bigram_vocab.get(bg)
                    if j is not None:
                        b_rows.append(i)
                        b_cols.append(j)
                        b_vals.append(w * c)
        n = len(docs)
        tok_m = sp.csr_matrix((vals, (rows, cols)), shape=(n, len(local)), dtype=np.float64)
        # token -> stem and token -> char n-gram maps for the tokens of this batch only
        s_rows, s_cols, g_rows, g_cols = [], [], [], []
        for tok, j in local.items():
            stem_id, grams = self._features_of(tok)
            if stem_id >= 0:
                s_rows.append(j)
                s_cols.append(stem_id)
            g_rows.extend([j] * len(grams))
            g_cols.extend(grams.tolist())
        stem_map = sp.csr_matrix(
            (np.ones(len(s_rows)), (s_rows, s_cols)), shape=(len(local), len(self.vocab["word"]))
        )
        gram_map = sp.csr_matrix(
            (np.ones(len(g_rows)), (g_rows, g_cols)), shape=(len(local), len(self.vocab["char"]))
        )
        bigram_m = sp.csr_matrix(
            (b_vals, (b_rows, b_cols)), shape=(n, len(bigram_vocab)), dtype=np.float64
        )
        out = {"word": tok_m @ stem_map, "bigram": bigram_m, "char": tok_m @ gram_map}
        for m in out.values():
            m.sum_duplicates()
        return {k: v.tocsr() for k, v in out.items()}

    def transform(self, docs: Sequence[Doc], weights: Mapping[str, float]) -> Vectors:
        """TF-IDF rows (sublinear TF, IDF of the fit, l2 norm) of `docs` in every space."""
        return self.weight(self.counts(docs, weights))

    def weight(self, counts: dict[str, sp.csr_matrix]) -> Vectors:
        """Raw counts -> log(1 + tf) · idf, l2-normalised per space."""
        spaces = {}
        for space, m in counts.items():
            m = m.astype(np.float64)
            np.log1p(m.data, out=m.data)
            spaces[space] = l2_rows(m @ sp.diags(self.idf[space]))
        return Vectors(spaces)
