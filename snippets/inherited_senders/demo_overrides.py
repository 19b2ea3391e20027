from inherited_senders.models import AuditEntry, Draft, Memo

draft = Draft.objects.create(title="Plan")
memo = Memo.objects.create(draft=draft, body="  Call the bank  ")
print(repr(memo.body))  # save() stripped it before calling super()
#> 'Call the bank'

memo.delete()  # Memo.delete() archives: no DELETE, no delete signals
print(Memo.objects.filter(pk=memo.pk).values_list("archived", flat=True).get())
#> True

Memo.objects.filter(pk=memo.pk).delete()  # a real DELETE; Memo.delete() never runs
print(Memo.objects.filter(pk=memo.pk).exists())
#> False

Memo.objects.create(draft=draft, body="Check the VAT")
draft.delete()  # the cascade deletes the memo for real too
print(Memo.objects.exists())
#> False

for entry in AuditEntry.objects.filter(sender="inherited_senders.Memo"):
    print(entry)
    #> created Memo
    #> updated Memo
    #> deleted Memo
    #> created Memo
    #> deleted Memo
