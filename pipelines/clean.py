"""Clean step: whitespace, boilerplate ("Font size: BigMediumSmall"), missing fields."""

from itemadapter import ItemAdapter

from newswatch.cleaning import clean_item


class CleanPipeline:
    def process_item(self, item):
        adapter = ItemAdapter(item)
        for key, value in clean_item(dict(adapter)).items():
            adapter[key] = value
        return item
