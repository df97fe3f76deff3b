"""The most common questions the bot did not understand, grouped by likeness, for the county's development work.

Character n-gram TF-IDF (scikit-learn) copes with Finnish inflection and typos without a stemmer;
agglomerative clustering on cosine distance needs no cluster count up front. Only groups of at least
5 messages are shown, each by a few redacted examples: never a lone message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from opastin.redaction import redact

MIN_SIZE = 5
EXAMPLES = 3
DISTANCE = 0.85  # cosine distance within which messages join one group (average linkage)


@dataclass(frozen=True)
class Cluster:
    size: int
    language: str
    examples: tuple[str, ...]


def clusters(messages: list[tuple[str, str]], min_size: int = MIN_SIZE) -> list[Cluster]:
    """(language, text) pairs → groups of at least `min_size`, largest first, per language."""
    found: list[Cluster] = []
    for language in sorted({language for language, _ in messages}):
        texts = [" ".join(text.lower().split()) for lang, text in messages if lang == language]
        found += _clusters_of(language, texts, min_size)
    return sorted(found, key=lambda cluster: (-cluster.size, cluster.language, cluster.examples))


def _clusters_of(language: str, texts: list[str], min_size: int) -> list[Cluster]:
    if len(texts) < min_size:
        return []
    from sklearn.cluster import AgglomerativeClustering  # imported here: loading scikit-learn takes a second
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(texts)
    labels = AgglomerativeClustering(
        n_clusters=None, distance_threshold=DISTANCE, affinity="cosine", linkage="average"
    ).fit_predict(vectors.toarray())
    groups: dict[int, list[str]] = {}
    for label, text in zip(labels, texts, strict=True):
        groups.setdefault(int(label), []).append(text)
    result = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        common = [text for text, _ in Counter(members).most_common(EXAMPLES)]
        result.append(Cluster(len(members), language, tuple(redact(text) for text in common)))
    return result
