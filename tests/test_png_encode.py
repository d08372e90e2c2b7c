"""The page PNG encoder against Pillow's decoder: same pixels, the print resolution, refused shapes."""

import io

import numpy as np
import pytest
from PIL import Image

from landgeo.render import png_encode
from landgeo.render.png_encode import encode_png


@pytest.mark.parametrize("deflate", ["isal", "zlib"])
@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (37, 51), (400, 7)])
def test_pillow_decodes_the_same_pixels(shape, deflate, monkeypatch):
    if deflate == "zlib":
        monkeypatch.setattr(png_encode, "_fast_zlib", None)  # a platform without an isal wheel
    else:
        assert png_encode._fast_zlib is not None, "isal is a dependency: pip install -e '.[dev]'"
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, (*shape, 3), dtype=np.uint8)
    rgb[: shape[0] // 2] = (255, 255, 255)  # flat rows, as on a page, beside noise
    with Image.open(io.BytesIO(encode_png(rgb, dpi=200))) as im:
        im.load()
        assert im.mode == "RGB" and im.size == (shape[1], shape[0])
        assert np.array_equal(np.asarray(im), rgb)
        assert im.info["dpi"] == pytest.approx((200, 200), abs=0.02)  # whole pixels per metre


def test_a_strided_view_is_encoded_as_its_values():
    rgba = np.zeros((5, 4, 4), np.uint8)
    rgba[..., 0] = np.arange(20).reshape(5, 4)
    rgba[..., 3] = 255
    with Image.open(io.BytesIO(encode_png(rgba[..., :3]))) as im:
        assert np.array_equal(np.asarray(im)[..., 0], np.arange(20).reshape(5, 4))
        assert "dpi" not in im.info


@pytest.mark.parametrize("bad", [np.zeros((3, 3), np.uint8), np.zeros((3, 3, 4), np.uint8),
                                 np.zeros((3, 3, 3), np.float32), np.zeros((0, 3, 3), np.uint8)])
def test_what_is_not_an_rgb_page_is_refused(bad):
    with pytest.raises(ValueError, match="uint8"):
        encode_png(bad)
