"""S3-compatible object storage (FILE_STORAGE=s3), read through the site (see web/storage.py).

Imported only when the setting names it: boto3 takes a while to import.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage as BucketStorage


class S3Storage(BucketStorage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        """The file's address on the site (MEDIA_URL), never the bucket's: the bucket stays private."""
        return settings.MEDIA_URL + filepath_to_uri(name)
