# This app defines no models, but the file must exist: Django sends
# pre_migrate and post_migrate only to apps that have a models module.
