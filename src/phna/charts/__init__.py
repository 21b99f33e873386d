"""Charts in the house style. Each function takes tidy data and returns a matplotlib Figure.

Writing the figure, its alt text, caption and the CSV behind it is the chapter context's job
(:meth:`phna.context.ChapterContext.figure`), so every chart in the book is published the same way.
"""

from phna.charts.style import apply, new_figure  # noqa: F401
from phna.charts.basic import population_pyramid, decile_bars  # noqa: F401
from phna.charts.maps import choropleth  # noqa: F401
