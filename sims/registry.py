"""Every simulation the course knows, by name. The site build checks each is used by some chapter."""
from __future__ import annotations

from .views.compression import CompressionView
from .views.cost import CostView
from .views.denoising import DenoisingView
from .views.flicker import FlickerView
from .views.guidance import GuidanceView

VIEWS = {view.name: view for view in (FlickerView, DenoisingView, CompressionView, GuidanceView, CostView)}
