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
`flatten` and `token_features` need no vocabulary, so a fit can run them in worker processes.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import scipy.sparse as sp

from matcher.analysis import CHAR_NGRAM_RANGE, token_char_ngrams, token_stem

SPACES = ("word", "bigram", "char")
Doc = Mapping[str, Sequence[str]]
VOCAB_BATCH = 20_000  # tokens per batch when building the vocabulary
# a map over batches: the built-in one, or that of a pool of analysis workers
MapFn = Callable[[Callable[[Any], Any], Iterable[Any]], Iterator[Any]]


def l2_rows(m: sp.csr_matrix, dtype: type = np.float64, copy: bool = True) -> sp.csr_matrix:
    """Rows scaled to unit length (empty rows stay empty); a copy unless `copy` is False."""
    m = sp.csr_matrix(m, dtype=dtype, copy=copy)
    lengths = np.diff(m.indptr)
    rows = np.repeat(np.arange(m.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
    norms[norms == 0] = 1.0
    # scale in place through the row index: no temporary matrices
    m.data /= norms[rows].astype(dtype)
    return m


def stack_rows(parts: list[sp.csr_matrix]) -> sp.csr_matrix:
    """Stack CSR matrices vertically, releasing each part once copied (bounded peak memory)."""
    if not parts:
        raise ValueError("nothing to stack")
    n_cols = parts[0].shape[1]
    nnz = sum(p.nnz for p in parts)
    data = np.empty(nnz, dtype=parts[0].dtype)
    indices: np.ndarray[tuple[int], np.dtype[np.signedinteger[Any]]] = np.empty(
        nnz, dtype=np.int32 if n_cols < 2**31 else np.int64
    )
    indptr = np.empty(sum(p.shape[0] for p in parts) + 1, dtype=np.int64)
    indptr[0] = 0
    at, row = 0, 0
    for i in range(len(parts)):
        part = parts[i]
        data[at : at + part.nnz] = part.data
        indices[at : at + part.nnz] = part.indices
        indptr[row + 1 : row + part.shape[0] + 1] = part.indptr[1:] + at
        at += part.nnz
        row += part.shape[0]
        parts[i] = None  # type: ignore[call-overload]
    return sp.csr_matrix((data, indices, indptr), shape=(row, n_cols))


@dataclass
class Vectors:
    """Rows of documents in each space (CSR, l2-normalised)."""

    spaces: dict[str, sp.csr_matrix]

    def __getstate__(self) -> dict[str, object]:
        return {"spaces": self.spaces}  # not the cached transposes

    @property
    def n(self) -> int:
        return next(iter(self.spaces.values())).shape[0]

    def rows(self, index: Sequence[int] | np.ndarray | slice) -> Vectors:
        return Vectors({k: m[index] for k, m in self.spaces.items()})

    @staticmethod
    def vstack(parts: Sequence[Vectors]) -> Vectors:
        return Vectors({k: sp.vstack([p.spaces[k] for p in parts]).tocsr() for k in SPACES})


@dataclass
class _Segments:
    """A batch of documents flattened: token ids in order, one segment per weighted field."""

    n_docs: int
    tokens: list[str]  # local token id -> token
    ids: np.ndarray  # local token ids, all segments concatenated
    seg: np.ndarray  # segment of each position
    doc: np.ndarray  # document of each segment
    field: list[str]  # field name of each segment
    stem_of: np.ndarray  # local token id -> stem id (-1: unknown; empty before `with_stems`)


def flatten(docs: Sequence[Doc]) -> _Segments:
    """All non-empty fields of a batch as one array of local token ids, one segment each.

    Needs no vocabulary (stem ids are added by `FeatureSpace.with_stems`), so analysis worker
    processes can run it; int32 ids keep what they send back small.
    """
    parts: list[Sequence[str]] = []
    lengths: list[int] = []
    seg_doc: list[int] = []
    seg_field: list[str] = []
    for i, doc in enumerate(docs):
        for name, tokens in doc.items():
            if not tokens:
                continue
            parts.append(tokens)
            lengths.append(len(tokens))
            seg_doc.append(i)
            seg_field.append(name)
    # local ids in order of first occurrence, mapped with C-level iteration
    tokens = list(dict.fromkeys(itertools.chain.from_iterable(parts)))
    local = {t: i for i, t in enumerate(tokens)}
    ids = np.fromiter(
        map(local.__getitem__, itertools.chain.from_iterable(parts)),
        dtype=np.int32,
        count=sum(lengths),
    )
    return _Segments(
        n_docs=len(docs),
        tokens=tokens,
        ids=ids,
        seg=np.repeat(np.arange(len(lengths), dtype=np.int32), lengths),
        doc=np.asarray(seg_doc, dtype=np.int64),
        field=seg_field,
        stem_of=np.zeros(0, dtype=np.int64),
    )


@dataclass
class TokenFeatures:
    """Stems and character n-grams of a batch of tokens, before vocabulary ids are given."""

    stems: list[str]  # stem of each token
    grams: list[str]  # the batch's distinct n-grams, in order of first occurrence
    ids: np.ndarray  # each token's n-grams in order, as indices into `grams` (flat, int32)
    sizes: np.ndarray  # number of n-grams of each token


def token_features(
    tokens: Sequence[str], ngram_range: tuple[int, int] = CHAR_NGRAM_RANGE, min_len: int = 0
) -> TokenFeatures:
    """Stems and n-grams of `tokens` (a vocabulary batch; runs in analysis workers too)."""
    local: defaultdict[str, int] = defaultdict(int)
    local.default_factory = local.__len__  # a new n-gram gets the next index
    # short words are covered by their stems; n-grams are for compounds and variants
    per_token = [
        token_char_ngrams(tok, ngram_range) if len(tok) >= min_len else [] for tok in tokens
    ]
    sizes = np.fromiter(map(len, per_token), dtype=np.int64, count=len(tokens))
    ids = np.fromiter(
        map(local.__getitem__, itertools.chain.from_iterable(per_token)),
        dtype=np.int32,
        count=int(sizes.sum()),
    )
    return TokenFeatures(list(map(token_stem, tokens)), list(local), ids, sizes)


@dataclass
class FeatureSpace:
    """Vocabularies and IDF of the three spaces; fit on a collection, then transform."""

    min_df_bigram: int = 2
    ngram_range: tuple[int, int] = CHAR_NGRAM_RANGE
    char_min_len: int = 0  # words shorter than this get no character n-grams
    # "word": stem -> id, "char": n-gram -> id; bigrams are pairs of stem ids, kept as
    # sorted codes (id_a · n_stems + id_b) so batches are mapped with one searchsorted
    vocab: dict[str, dict[str, int]] = field(default_factory=lambda: {"word": {}, "char": {}})
    bigram_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    idf: dict[str, np.ndarray] = field(default_factory=dict)
    n_docs: int = 0  # documents of the fit (for document-frequency thresholds)
    # token -> (stem id or -1, char n-gram ids); a cache filled lazily, not state of the fit
    _token_features: dict[str, tuple[int, np.ndarray]] = field(default_factory=dict, repr=False)

    def size(self, space: str) -> int:
        """Number of features in a space."""
        return len(self.bigram_codes) if space == "bigram" else len(self.vocab[space])

    def fit(self, docs: Sequence[Doc], weights: Mapping[str, float]) -> FeatureSpace:
        """Build the vocabularies from `docs` and the IDF from their document frequencies."""
        self.fit_vocabulary(docs)
        seg = self.segments(docs)
        self.fit_bigrams([seg])
        self.fit_idf([self.counts_of(seg, weights)])
        return self

    def fit_vocabulary(self, docs: Sequence[Doc]) -> FeatureSpace:
        """Stems and character n-grams of every token (bigrams: see `fit_bigrams`)."""
        return self.fit_vocabulary_tokens(
            tok for doc in docs for tokens in doc.values() for tok in tokens
        )

    def fit_vocabulary_tokens(
        self, tokens: Iterable[str], map_batches: MapFn | None = None
    ) -> FeatureSpace:
        """Stems and character n-grams of the distinct `tokens`; ids in sorted token order.

        The sorted tokens are read in batches by `token_features` (with `map_batches`, e.g.
        the map of a process pool; the built-in map by default) and the ids are given out here
        in batch order, so the result does not depend on where the batches ran. Each token's
        feature ids are kept, so `_features_of` needs no second pass over the fitted tokens.
        """
        distinct = sorted(set(tokens))
        batches = [distinct[i : i + VOCAB_BATCH] for i in range(0, len(distinct), VOCAB_BATCH)]
        work = partial(token_features, ngram_range=self.ngram_range, min_len=self.char_min_len)
        # dicts that give a new key the next id, looked up with C-level map
        stems: defaultdict[str, int] = defaultdict(int)
        stems.default_factory = stems.__len__
        grams: defaultdict[str, int] = defaultdict(int)
        grams.default_factory = grams.__len__
        features: dict[str, tuple[int, np.ndarray]] = {}
        for batch, part in zip(batches, (map_batches or map)(work, batches), strict=True):
            stem_ids = list(map(stems.__getitem__, part.stems))
            # a batch's n-grams in order of first occurrence: the same ids as token by token
            to_global = np.fromiter(
                map(grams.__getitem__, part.grams), dtype=np.int64, count=len(part.grams)
            )
            grams_of = np.split(to_global[part.ids], np.cumsum(part.sizes)[:-1])
            features.update(zip(batch, zip(stem_ids, grams_of, strict=True), strict=True))
        self.vocab = {"word": dict(stems), "char": dict(grams)}  # plain dicts: no inserts
        self.bigram_codes = np.zeros(0, dtype=np.int64)
        self._token_features = features
        return self

    def fit_bigrams(self, batches: Sequence[_Segments]) -> FeatureSpace:
        """Keep the stem bigrams found in at least `min_df_bigram` documents of the batches."""
        base = len(self.vocab["word"]) ** 2 + 1
        per_code = []
        for seg in batches:
            codes, seg_of_pair = self._pair_codes(seg)
            if codes.size:
                # unique (document, code) pairs: document frequency, not term frequency
                per_code.append(np.unique(seg.doc[seg_of_pair] * base + codes) % base)
        if per_code:
            values, df = np.unique(np.concatenate(per_code), return_counts=True)
            self.bigram_codes = values[df >= self.min_df_bigram].astype(np.int64)
        return self

    def fit_idf(self, counts: Sequence[dict[str, sp.csr_matrix]]) -> FeatureSpace:
        """Smoothed IDF, log((1 + n) / (1 + df)) + 1, from count matrices of the collection."""
        n = sum(c["word"].shape[0] for c in counts)
        self.n_docs = n
        for space in SPACES:
            df = np.zeros(self.size(space))
            for c in counts:
                df += np.bincount(c[space].indices, minlength=c[space].shape[1])
            self.idf[space] = np.log((1.0 + n) / (1.0 + df)) + 1.0
        return self

    def doc_share(self) -> dict[str, np.ndarray]:
        """Per space, the share of the fitted documents holding each feature (from the IDF)."""
        n = max(self.n_docs, 1)
        # idf = log((1 + n) / (1 + df)) + 1, so df = (1 + n) / exp(idf - 1) - 1
        return {k: ((1.0 + n) / np.exp(v - 1.0) - 1.0) / n for k, v in self.idf.items()}

    def _grams(self, token: str) -> list[str]:
        # short words are covered by their stems; n-grams are for compounds and variants
        if len(token) < self.char_min_len:
            return []
        return token_char_ngrams(token, self.ngram_range)

    def _features_of(self, token: str) -> tuple[int, np.ndarray]:
        hit = self._token_features.get(token)
        if hit is None:
            stem_id = self.vocab["word"].get(token_stem(token), -1)
            grams = self.vocab["char"]
            ids = [grams[g] for g in self._grams(token) if g in grams]
            hit = (stem_id, np.asarray(ids, dtype=np.int64))
            self._token_features[token] = hit
        return hit

    def segments(self, docs: Sequence[Doc]) -> _Segments:
        """All non-empty fields of a batch as one array of local token ids, one segment each."""
        return self.with_stems(flatten(docs))

    def with_stems(self, seg: _Segments) -> _Segments:
        """`seg` with the stem id of each of its tokens (a flattened batch made elsewhere)."""
        seg.stem_of = np.fromiter(
            (self._features_of(t)[0] for t in seg.tokens), dtype=np.int64, count=len(seg.tokens)
        )
        return seg

    def _pair_codes(self, seg: _Segments) -> tuple[np.ndarray, np.ndarray]:
        """Codes of adjacent stem pairs inside each segment, and the segment of each pair."""
        if seg.ids.size < 2:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        stems = seg.stem_of[seg.ids]
        a, b = stems[:-1], stems[1:]
        same_seg = seg.seg[:-1] == seg.seg[1:]
        keep = same_seg & (a >= 0) & (b >= 0) & (a != b)
        n_stems = len(self.vocab["word"])
        return a[keep] * n_stems + b[keep], seg.seg[:-1][keep]

    def counts(self, docs: Sequence[Doc], weights: Mapping[str, float]) -> dict[str, sp.csr_matrix]:
        """Field-weighted raw counts in each space (before TF damping and IDF)."""
        return self.counts_of(self.segments(docs), weights)

    def counts_of(self, seg: _Segments, weights: Mapping[str, float]) -> dict[str, sp.csr_matrix]:
        """Field-weighted raw counts of an analysed batch."""
        n = seg.n_docs
        n_local = len(seg.tokens)
        seg_weight = np.array([weights.get(f, 0.0) for f in seg.field], dtype=np.float64)
        row_of_token = seg.doc[seg.seg]
        weight_of_token = seg_weight[seg.seg]
        tok_m = sp.csr_matrix(
            (weight_of_token, (row_of_token, seg.ids)), shape=(n, n_local), dtype=np.float32
        )
        # token -> stem and token -> char n-gram maps for the tokens of this batch only
        has_stem = np.flatnonzero(seg.stem_of >= 0)
        stem_map = sp.csr_matrix(
            (np.ones(has_stem.size, np.float32), (has_stem, seg.stem_of[has_stem])),
            shape=(n_local, self.size("word")),
        )
        gram_lists = [self._features_of(t)[1] for t in seg.tokens]
        gram_rows = np.repeat(np.arange(n_local), [g.size for g in gram_lists])
        gram_cols = np.concatenate(gram_lists) if gram_lists else np.zeros(0, dtype=np.int64)
        gram_map = sp.csr_matrix(
            (np.ones(gram_rows.size, np.float32), (gram_rows, gram_cols)),
            shape=(n_local, self.size("char")),
        )
        codes, pair_seg = (
            self._pair_codes(seg) if self.bigram_codes.size else (np.zeros(0, np.int64),) * 2
        )
        where = np.searchsorted(self.bigram_codes, codes)
        where = np.minimum(where, max(self.bigram_codes.size - 1, 0))
        found = (
            self.bigram_codes[where] == codes if self.bigram_codes.size else np.zeros(0, dtype=bool)
        )
        bigram_m = sp.csr_matrix(
            (seg_weight[pair_seg[found]], (seg.doc[pair_seg[found]], where[found])),
            shape=(n, self.size("bigram")),
            dtype=np.float64,
        )
        out = {"word": tok_m @ stem_map, "bigram": bigram_m, "char": tok_m @ gram_map}
        for m in out.values():
            # products of CSR matrices hold no duplicates (no sort needed); fields weighted 0
            # leave explicit zeros
            m.eliminate_zeros()
        return {k: v.tocsr() for k, v in out.items()}

    def transform(self, docs: Sequence[Doc], weights: Mapping[str, float]) -> Vectors:
        """TF-IDF rows (sublinear TF, IDF of the fit, l2 norm) of `docs` in every space."""
        return self.weight(self.counts(docs, weights))

    def weight(self, counts: dict[str, sp.csr_matrix]) -> Vectors:
        """Raw counts -> log(1 + tf) · idf, l2-normalised per space (float32, in place)."""
        spaces = {}
        for space, m in counts.items():
            m = sp.csr_matrix(m, dtype=np.float32)
            np.log1p(m.data, out=m.data)
            m.data *= self.idf[space][m.indices].astype(np.float32)
            spaces[space] = l2_rows(m, np.float32, copy=False)
        return Vectors(spaces)
