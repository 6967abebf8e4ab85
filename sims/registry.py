"""Every simulation the course knows, by name. The site build checks each is used by some chapter."""
from __future__ import annotations

from .views.attention import AttentionView
from .views.compression import CompressionView
from .views.cost import CostView
from .views.denoising import DenoisingView
from .views.flicker import FlickerView
from .views.guidance import GuidanceView
from .views.patches import PatchesView
from .views.permanence import PermanenceView
from .views.recap import RecapView

VIEWS = {view.name: view for view in (FlickerView, DenoisingView, CompressionView, GuidanceView, CostView, PatchesView, RecapView,
                                      AttentionView, PermanenceView)}
