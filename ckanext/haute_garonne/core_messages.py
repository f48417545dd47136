"""CKAN's own strings, translated by the portal's French catalogue.

CKAN's French catalogue leaves some of its strings untranslated, lacks others
(ckanext-scheming's, the states shown as they are stored: ``_(pkg.state)``)
and writes a few without the space French puts before a colon. CKAN merges
each plugin's catalogue over its own (flask-babel's translation domains, core
first), so the same msgid translated in ours wins on every page.

Nothing imports this module: listing the msgids here keeps them in the
extraction (``make i18n``), so that the catalogue keeps their French.
"""

from __future__ import annotations

__all__: list[str] = []


def N_(message: str) -> str:
    return message


def ngettext(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


MESSAGES = (
    N_("Please enter a floating point value"),
    N_("You cannot move this dataset to another organization"),
    N_("Must be a positive integer"),
    N_("Resource id already exists."),
    N_("Id already exists"),
    N_("Dataset not found: %s"),
    N_("Resource not found: %s"),
    N_("Invalid id provided"),
    N_("User not found: %s"),
    N_("Group not found: %s"),
    N_(
        'Tag "%s" can only contain alphanumeric characters, spaces (" "), hyphens ("-"), underscores ("_") or dots (".")'
    ),
    N_("Cannot modify your own sysadmin privileges"),
    N_("Cannot modify sysadmin privileges for system user"),
    N_(
        "The username is already associated with another account. Please use a different username."
    ),
    N_("Not a string: %s"),
    N_("Must be a dict"),
    N_("The email address '{email}' belongs to a registered user."),
    N_("Value must be one of %s"),
    N_("Value must be boolean or one of: %s"),
    N_("The value should be a valid JSON object"),
    N_("Could not parse the value as a valid JSON object"),
    N_("Package not found"),
    N_("Resource view was not found."),
    N_("User was not found."),
    N_("You must be logged in to follow groups"),
    N_("You must be logged in to follow datasets"),
    N_("You must be logged in to unfollow groups"),
    N_("You must be logged in to unfollow datasets"),
    N_("You must be logged in to unfollow users"),
    N_("Please Confirm"),
    N_("Notification"),
    N_("Close"),
    N_("Searching..."),
    N_("Please select the file to upload again"),
    N_("Reorder resource view"),
    N_("You might need to login to access this page."),
    N_("Click here to login"),
    N_("View dashboard"),
    N_("Profile settings"),
    N_("Account"),
    N_("Navigate to Home - {site_title}"),
    N_("Toggle navigation"),
    N_("Search Datasets..."),
    N_("Submit"),
    N_("Skip to main content"),
    N_("Breadcrumb"),
    N_("Custom Stylesheet"),
    N_(
        '<p><strong>Site Title:</strong> This is the title of this CKAN instance It appears in various places throughout CKAN.</p> <p><strong>Custom Stylesheet:</strong> Define an alternative main CSS file.</p> <p><strong>Site Tag Logo:</strong> This is the logo that appears in the header of all the CKAN instance templates.</p> <p><strong>About:</strong> This text will appear on this CKAN instances <a href="%(about_url)s">about page</a>.</p> <p><strong>Intro Text:</strong> This text will appear on this CKAN instances <a href="%(home_url)s">home page</a> as a welcome to visitors.</p> <p><strong>Custom CSS:</strong> This is a block of CSS that appears in <code>&lt;head&gt;</code> tag of every page. If you wish to customize the templates more fully we recommend <a href="%(docs_url)s" target="_blank" rel="noreferrer">reading the documentation</a>.</p>'
    ),
    N_("Current Sysadmins"),
    N_("Revoke Sysadmin permission"),
    N_("Promote user to Sysadmin"),
    N_("Promote"),
    N_(
        '<p>As a sysadmin user you have full control over this CKAN instance. Proceed with care!</p> <p>For guidance on using sysadmin features, see the CKAN <a href="%(docs_url)s" target="_blank" rel="noreferrer">sysadmin guide</a></p>'
    ),
    N_("Are you sure you want to purge everything?"),
    N_("Purge all"),
    N_("Purge deleted datasets, organizations or groups forever and irreversibly."),
    N_("Deleted datasets"),
    N_("Deleted organizations"),
    N_("Deleted groups"),
    N_("Navigate to dataset: {title}"),
    N_("Are you sure you want to purge datasets?"),
    N_("Are you sure you want to purge organizations?"),
    N_("Are you sure you want to purge groups?"),
    N_("{number} datasets have been purged"),
    N_("{number} organizations have been purged"),
    N_("{number} groups have been purged"),
    N_("There are no datasets to purge"),
    N_("There are no organizations to purge"),
    N_("There are no groups to purge"),
    N_("Massive purge complete"),
    N_("There are currently no groups for this site."),
    N_("Edit role"),
    N_("Edit the role of the user within the group"),
    N_("Delete member"),
    N_("Delete this member from the group"),
    N_("0 Members"),
    N_("Open details page for {name}"),
    N_("Unlink {name} from the dataset"),
    N_("Edit the role of the user within the organization"),
    N_("Delete this member from the organization"),
    N_("There is no description for this organization."),
    N_("Open details page for dataset - {title}"),
    N_(
        "<p><strong>Admin:</strong> Can add/edit and delete datasets, as well as manage organization members.</p> <p><strong>Editor:</strong> Can add and edit datasets, but not manage organization members.</p> <p><strong>Member:</strong> Can view the organization's private datasets, but not add new datasets.</p>"
    ),
    N_("Placeholder"),
    N_("Search datasets with the tag: {tag}"),
    N_("Search datasets with the tag: {name}"),
    N_("Key"),
    N_(
        'You can use <a href="#markdown" title="Markdown quick reference" data-bs-toggle="popover" data-bs-content="%(markdown_tooltip)s" data-bs-html="true">Markdown formatting</a> here'
    ),
    N_("There are no groups associated with this dataset."),
    N_("Current resource: {name}"),
    N_("Resource URL: {url}"),
    N_("Dataset description:"),
    N_("Please select the license"),
    N_("No Organization"),
    N_("Unpublish"),
    N_("Publish"),
    N_("Navigate to resource: {name_or_id}"),
    N_("Close modal"),
    N_("Navigate to resource: {name}"),
    N_("close"),
    N_("Filter by: {title}"),
    N_("Search datasets by {name}: {label}"),
    N_("There is no description for this dataset."),
    N_("Remove applied filter: {value}"),
    N_("API Tokens"),
    N_("Are you sure you want to delete user - {name}?"),
    N_("Profile picture"),
    N_("Profile picture URL"),
    N_("Reactivate User"),
    N_(
        "This account is deactivated, if you want to reactivate it, please click on checkbox."
    ),
    N_("Sysadmin password"),
    N_("Reactivate Profile"),
    N_("User isn't a member of any groups."),
    N_("User isn't a member of any organizations."),
    N_("Request Reset"),
    N_(
        'API Token created: <code style="word-break:break-all;">{token}</code> {copy}<br>Make sure to copy it now, you won\'t be able to see it again!'
    ),
    N_("Are you sure you want to revoke these tokens?"),
    N_("Revoke tokens"),
    N_("This information is visible to you and admins"),
    N_("Last Active"),
    N_("Username or Email"),
    N_("Second"),
    N_("Minute"),
    N_("Hour"),
    N_("Day"),
    N_("Expires in"),
    N_("Units"),
    N_("Expires at"),
    N_("Unauthorized to view API tokens."),
    N_("Unauthorized to create API tokens."),
    N_("Unauthorized to revoke API tokens."),
    N_("Login failed. Bad username or password or CAPTCHA."),
    N_("Not authorized to promote user to sysadmin"),
    N_("Promoted {} to sysadmin"),
    N_("Revoked sysadmin permission from {}"),
    N_("Bad request: %s"),
    N_("Access denied: %s"),
    N_("Not found: %s"),
    N_("Dataset not found or you have no permission to view it"),
    N_("Unauthorized to read package"),
    N_("Not authorized to access {group} members download"),
    N_("Members not found"),
    N_("N/A"),
    N_("members"),
    N_("You are no longer a member of this group."),
    N_("Unauthorized to access"),
    N_("{} not found"),
    N_("Not authorized to download resource"),
    N_("No resource data entered"),
    N_("Invalid URL"),
    N_("Activity not found"),
    N_("Unauthorized to view activity data"),
    N_("The detail of this dataset activity is not available"),
    N_("Invalid parameters"),
    N_("No activities found matching the specified criteria."),
    N_("Activity purged"),
    N_("Activities"),
    N_(
        "Purge activities by age. Use 'ckan clean activities' via CLI for more options."
    ),
    N_("Delete activities older than a day"),
    N_("Delete {count} activities older than a day? This cannot be undone."),
    N_("Delete activities older than a month"),
    N_("Delete {count} activities older than a month? This cannot be undone."),
    N_("Delete activities older than a year"),
    N_("Delete {count} activities older than a year? This cannot be undone."),
    N_("Delete all activities"),
    N_("Delete all {count} activities? This cannot be undone."),
    N_("Delete all"),
    N_(
        "Purge activity stream entries by age. Each option shows how many activities would be deleted. Purging is irreversible."
    ),
    N_("View changes from %(old_select)s to %(new_select)s"),
    N_("Show metadata diff"),
    N_("Hide metadata diff"),
    N_("On %(timestamp)s, %(username)s:"),
    N_(
        'You\'re currently viewing an old version of this dataset. Data files may not match the old version of the metadata. <a href="%(url)s">View the current version</a>.'
    ),
    N_("No activity found for this type"),
    N_("No activity found"),
    N_("All activity types"),
    N_("Newer activities"),
    N_("Older activities"),
    N_("Activity occurred on: {time}"),
    N_("{actor} updated the {dataset_type} {dataset}"),
    N_("View this version"),
    N_("{actor} updated resource view {view_link}"),
    N_("{actor} deleted the {dataset_type} {dataset}"),
    N_('{actor} deleted resource view "{view_title}" for resource {resource_link}'),
    N_("{actor} {activity_type}"),
    N_("{actor} created the {dataset_type} {dataset}"),
    N_("{actor} created resource view {view_link}"),
    N_("Set author of {pkg_link} to {new_author} (previously {old_author})"),
    N_("Set author of {pkg_link} to {new_author}"),
    N_("Removed author from {pkg_link}"),
    N_("No fields were updated. See the metadata diff for more details."),
    N_("Deleted resource {resource_link} from {pkg_link}"),
    N_("Changed value of field <q>{key}</q> to <q>{value}</q> in {pkg_link}"),
    N_("Added field <q>{key}</q> with value <q>{value}</q> to {pkg_link}"),
    N_("Added field <q>{key}</q> to {pkg_link}"),
    N_("Added the following fields to {pkg_link}"),
    N_("{key} with value {value}"),
    N_(
        "Changed value of field <q>{key}</q> to <q>{new_val}</q> (previously <q>{old_val}</q>) in {pkg_link}"
    ),
    N_("Changed value of field <q>{key}</q> to <q>{new_val}</q> in {pkg_link}"),
    N_("Removed field <q>{key}</q> from {pkg_link}"),
    N_("Removed the following fields from {pkg_link}"),
    N_(
        'Changed the license of <a href="%(pkg_link)s">%(title)s</a> to <a href="%(new_url)s">%(new_license)s</a> (previously <a href="%(old_url)s">%(old_license)s</a>).'
    ),
    N_(
        'Changed the license of <a href="%(pkg_link)s">%(title)s</a> to <a href="%(new_url)s">%(new_license)s</a> (previously %(old_license)s).'
    ),
    N_(
        'Changed the license of <a href="%(pkg_link)s">%(title)s</a> to %(new_license)s (previously <a href="%(old_url)s">%(old_license)s</a>).'
    ),
    N_(
        'Changed the license of <a href="%(pkg_link)s">%(title)s</a> to %(new_license)s (previously %(old_license)s).'
    ),
    N_(
        'Moved <a href="%(pkg_link)s">%(title)s</a> from <a href="%(old_url)s">%(old_url)s</a> to <a href="%(new_url)s">%(new_url)s</a>.'
    ),
    N_("Uploaded a new file to resource {resource_link} in {pkg_link}"),
    N_("Added resource {resource_link} to {pkg_link}"),
    N_(
        'Updated description of {pkg_link} from <br class="line-height2"><blockquote>{old_notes}</blockquote> to <br class="line-height2"><blockquote>{new_notes}</blockquote>'
    ),
    N_(
        'Updated description of {pkg_link} to <br class="line-height2"><blockquote>{new_notes}</blockquote>'
    ),
    N_("Removed description from {pkg_link}"),
    N_(
        "Moved {pkg_link} from organization {old_org_link} to organization {new_org_link}"
    ),
    N_("Removed {pkg_link} from organization {old_org_link}"),
    N_("Added {pkg_link} to organization {new_org_link}"),
    N_("Set visibility of {pkg_link} to {visibility}"),
    N_(
        'Updated description of resource {resource_link} in {pkg_link} to <br class="line-height2"><blockquote>{new_desc}</blockquote>'
    ),
    N_("Removed description from resource {resource_link} in {pkg_link}"),
    N_(
        'Updated description of resource {resource_link} in {pkg_link} from <br class="line-height2"><blockquote>{old_desc}</blockquote> to <br class="line-height2"><blockquote>{new_desc}</blockquote>'
    ),
    N_(
        "Added field <q>{key}</q> with value <q>{value}</q> to resource {resource_link} in {pkg_link}"
    ),
    N_("Added field <q>{key}</q> to resource {resource_link} in {pkg_link}"),
    N_("Added the following fields to resource {resource_link} in {pkg_link}"),
    N_("Removed field <q>{key}</q> from resource {resource_link} in {pkg_link}"),
    N_("Removed the following fields from resource {resource_link} in {pkg_link}"),
    N_(
        "Changed value of field <q>{key}</q> of resource {resource_link} to <q>{new_val}</q> (previously <q>{old_val}</q>) in {pkg_link}"
    ),
    N_(
        "Changed value of field <q>{key}</q> to <q>{new_val}</q> in resource {resource_link} in {pkg_link}"
    ),
    N_(
        "Removed the value of field <q>{key}</q> in resource {resource_link} in {pkg_link}"
    ),
    N_(
        'Set format of resource <a href="%(resource_url)s">%(resource_name)s</a> to <a href="%(format_url)s">%(format)s</a> in <a href="%(pkg_link)s">%(title)s</a>.'
    ),
    N_(
        'Set format of resource <a href="%(resource_url)s">%(resource_name)s</a> to <a href="%(new_format_url)s">%(new_format)s</a> (previously <a href="%(old_format_url)s">%(old_format)s</a>).'
    ),
    N_("Renamed resource {old_resource_link} to {new_resource_link} in {pkg_link}"),
    N_("Removed tag {tag_link} from {pkg_link}"),
    N_("Removed the following tags from {pkg_link}"),
    N_("Added tag {tag_link} to {pkg_link}"),
    N_("Added the following tags to {pkg_link}"),
    N_("Changed title to {title_link} (previously {old_title})"),
    N_(
        'Changed the source URL of <a href="%(pkg_link)s">%(title)s</a> from <a href="%(old_src_url)s">%(old_src_url)s</a> to <a href="%(new_src_url)s">%(new_src_url)s</a>.'
    ),
    N_('Removed the source URL from <a href="%(pkg_link)s">%(title)s</a>.'),
    N_(
        'Changed the source URL of <a href="%(pkg_link)s">%(title)s</a> to <a href="%(new_src_url)s">%(new_src_url)s</a>.'
    ),
    N_("Changed the version of {pkg_link} to {new_version} (previously {old_version})"),
    N_("Removed the version from {pkg_link}"),
    N_("Changed the version of {pkg_link} to {new_version}"),
    N_(
        'Updated description of {org_link} from <br class="line-height2"><blockquote>{old_description}</blockquote> to <br class="line-height2"><blockquote>{new_description}</blockquote>'
    ),
    N_(
        'Updated description of {org_link} to <br class="line-height2"><blockquote>{new_description}</blockquote>'
    ),
    N_("Removed description from {org_link}"),
    N_(
        'Changed the image URL of <a href="%(org_link)s">%(title)s</a> from <a href="%(old_url)s">%(old_url)s</a> to <a href="%(new_url)s">%(new_url)s</a>.'
    ),
    N_('Removed the image URL from <a href="%(org_link)s">%(title)s</a>.'),
    N_(
        'Changed the image URL of <a href="%(org_link)s">%(title)s</a> to <a href="%(new_url)s">%(new_url)s</a>.'
    ),
    N_("Search followee"),
    N_("Start date"),
    N_("End date"),
    N_("Activity from:"),
    N_("URL:"),
    N_('Source: <a href="%(url)s">%(dataset)s</a>'),
    N_("Just now"),
    N_("active"),
    N_("draft"),
    N_("deleted"),
    N_("pending"),
    N_('unexpected choice "%s"'),
    N_("expecting list of strings"),
    N_("Select at least one"),
    N_("Time format incorrect"),
    N_("Date is required when a time is provided"),
    N_("invalid type for repeating text: %r"),
    N_("Page not found"),
    N_("Unauthorized to update a dataset"),
    N_("No organization"),
    N_("These fields have been removed, click update below to save your changes."),
    N_("These fields have been removed."),
    N_("Are you sure you want to delete this Organization?"),
    N_("Update {page}"),
    N_("Next"),
    N_(
        "Date format incorrect. Supported formats are YYYY, YYYY-MM, YYYY-MM-DD and YYYY-MM-DDTHH:MM:SS"
    ),
    N_("Could not parse value"),
    N_("Dates must be provided as strings or datetime objects"),
    N_("What are Organizations?"),
    N_(
        "CKAN Organizations are used to create, manage and publish collections of datasets. Users can have different roles within an Organization, depending on their level of authorisation to create, edit and publish."
    ),
    N_(
        "A CKAN Dataset is a collection of data resources (such as files), together with a description and other information, at a fixed URL. Datasets are what users see when searching for data."
    ),
    N_(
        "You can use CKAN Groups to create and manage collections of datasets. This could be to catalogue datasets for a particular project or team, or on a particular theme, or as a very simple way to help people find and search your own published datasets."
    ),
    N_("Your profile lets other CKAN users know about who you are and what you do."),
    N_("A resource can be any file or link to a file containing useful data."),
    N_("Manage resource: {name}"),
    N_(
        "Set maintainer of {pkg_link} to {new_maintainer} (previously {old_maintainer})"
    ),
    N_("Set maintainer of {pkg_link} to {new_maintainer}"),
    N_("Removed maintainer from {pkg_link}"),
    N_(
        'Set maintainer email of <a href="%(pkg_link)s">%(title)s</a> to <a href="mailto:%(new_maintainer_email)s">%(new_maintainer_email)s</a> (previously <a href="mailto:%(old_maintainer_email)s">%(old_maintainer_email)s</a>).'
    ),
    N_(
        'Set maintainer email of <a href="%(pkg_link)s">%(title)s</a> to <a href="mailto:%(new_maintainer_email)s">%(new_maintainer_email)s</a>.'
    ),
    N_('Removed maintainer email from <a href="%(pkg_link)s">%(title)s</a>.'),
    N_(
        'Updated description of {group_link} from <br class="line-height2"><blockquote>{old_description}</blockquote> to <br class="line-height2"><blockquote>{new_description}</blockquote>'
    ),
    N_(
        'Updated description of {group_link} to <br class="line-height2"><blockquote>{new_description}</blockquote>'
    ),
    N_("Removed description from {group_link}"),
    N_(
        'Changed the image URL of <a href="%(group_link)s">%(title)s</a> from <a href="%(old_url)s">%(old_url)s</a> to <a href="%(new_url)s">%(new_url)s</a>.'
    ),
    N_('Removed the image URL from <a href="%(group_link)s">%(title)s</a>.'),
    N_(
        'Changed the image URL of <a href="%(group_link)s">%(title)s</a> to <a href="%(new_url)s">%(new_url)s</a>.'
    ),
    N_(
        '<p>As a sysadmin user you have full control over this CKAN instance. Proceed with care!</p> <p>For guidance on using sysadmin features, see the CKAN  <a href="%(docs_url)s" target="_blank" rel="noreferrer">sysadmin guide</a></p>'
    ),
    N_("There is no description for this dataset"),
    N_("Actions"),
    # CKAN's French catalogue leaves the facet's title in English.
    N_("Licenses"),
    # Confirmations and buttons: CKAN's French writes "Etes-vous" and no
    # space before "?".
    N_("Add New Resource"),
    N_("Confirm"),
    N_("Are you sure you want to perform this action?"),
    N_("Are you sure you want to reset the config?"),
    N_("Are you sure you want to delete group - {name}?"),
    N_("Are you sure you want to delete member - {name}?"),
    N_("Are you sure you want to delete this member?"),
    N_("Are you sure you want to delete this Group?"),
    N_("Are you sure you want to delete organization - {name}?"),
    N_("Are you sure you want to delete dataset - {name}?"),
    N_("Are you sure you want to delete resource - {name}?"),
    N_("Edit metadata"),
    N_("Edit resource"),
    N_("Not seeing the views you were expecting?"),
    N_("Are you sure you want to delete this dataset?"),
    N_("Are you sure you want to delete this resource?"),
    N_("What's a view?"),
    # The Table Designer's words: a table is entered online, row by row
    # ("ligne", never CKAN's "rangée").
    N_("Table Designer"),
    N_("Create a custom table for your data"),
    N_("Save this resource, then customize the table from the Data Dictionary tab"),
    N_("Add row"),
    N_("Edit row"),
    N_("Delete rows"),
    N_("Row not found"),
    N_("Row(s) not found"),
    N_("Invalid input"),
    N_("Too long"),
)

PLURALS = (
    ngettext("{num} Member", "{num} Members"),
    ngettext(
        '%(count)s dataset found for "%(query)s".',
        '%(count)s datasets found for "%(query)s".',
    ),
    ngettext("%(count)s dataset found.", "%(count)s datasets found."),
)
