// Render: pixels to what a terminal shows (windowing, overlays, sixel, Unicode-block fallback).
import CSixel
