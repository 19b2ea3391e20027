from pitfalls.models import AuditEntry, Document
from pitfalls.services import archive_documents


def history():
    return list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))


minutes = Document.objects.create(title="Minutes")
minutes.title = "Minutes, corrected"
minutes.save()
print(history())
#> ['created', 'updated']

# Neither of these calls save(), so neither sends post_save:
Document.objects.filter(pk=minutes.pk).update(title="Minutes, final")
Document.objects.bulk_create([Document(title="Agenda")])
print(history())
#> ['created', 'updated']

# The service does the bulk write and the receiver's work itself:
print(archive_documents(Document.objects.all()))
#> 2
print(history())
#> ['created', 'updated', 'archived', 'archived']
