from django.db import connection
from django.db.models.signals import post_delete
from django.test.utils import CaptureQueriesContext

from signal_performance.costly import log_document_deleted
from signal_performance.models import Document, Folder
from signal_performance.testing import connected


def queries_of(action):
    """Run action(); return the kind of each SELECT and DELETE it made."""
    with CaptureQueriesContext(connection) as queries:
        action()
    kinds = [query["sql"].split()[0] for query in queries]
    return [kind for kind in kinds if kind in ("SELECT", "DELETE")]


def fill(folder, count):
    for number in range(count):
        Document.objects.create(folder=folder, title=f"Page {number}")


reports = Folder.objects.create(name="Reports")
fill(reports, 3)
print(queries_of(lambda: Document.objects.filter(folder=reports).delete()))
#> ['DELETE']

fill(reports, 3)
with connected(post_delete, log_document_deleted, sender=Document):
    print(queries_of(lambda: Document.objects.filter(folder=reports).delete()))
    #> ['SELECT', 'DELETE']

# The cascade: deleting a folder deletes its documents.
fill(reports, 3)
print(queries_of(reports.delete))
#> ['DELETE', 'DELETE']

archive = Folder.objects.create(name="Archive")
fill(archive, 3)
with connected(post_delete, log_document_deleted, sender=Document):
    print(queries_of(archive.delete))
    #> ['SELECT', 'DELETE', 'DELETE']
