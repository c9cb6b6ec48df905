from django.apps import AppConfig


class DevdataConfig(AppConfig):
    # installed so that seed_demo and generate_data are management commands; it has no models
    name = "devdata"
