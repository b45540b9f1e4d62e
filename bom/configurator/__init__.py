"""The configurator engine: a product definition compiled once, configured many times a minute.

Pure Python (no ORM): `compile_product(definition, resources)` checks a definition whole and
returns a `CompiledProduct`, whose `configure(spec)` answers with errors, applicable options,
backtrack-free domains and, for a valid spec, price, BOM, routing and footprint.
docs/CATALOG.md describes the definition; API.md the answer.
"""

from bom.configurator.engine import CompiledProduct, compile_product
from bom.configurator.model import CatalogError, Problem

__all__ = ["CatalogError", "CompiledProduct", "Problem", "compile_product"]
