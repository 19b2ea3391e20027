from django.db import connection

with connection.cursor() as cursor:
    cursor.execute("PRAGMA temp_store")
    print("temp_store:", cursor.fetchone()[0])  # 2 means MEMORY
    #> temp_store: 2
    cursor.execute("PRAGMA busy_timeout")
    print("busy_timeout:", cursor.fetchone()[0])
    #> busy_timeout: 10000
