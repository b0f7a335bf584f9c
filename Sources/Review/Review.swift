// Review: the review workspace (index, proposals, decisions, templates, audit, spot checks).
import Engine
