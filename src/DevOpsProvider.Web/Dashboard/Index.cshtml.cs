using DevOpsProvider.Web.Connect;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace DevOpsProvider.Web.Dashboard;

public sealed class IndexModel(TenantStore tenants, AppBaseUrl baseUrl) : PageModel
{
    public IReadOnlyList<Tenant> Tenants { get; private set; } = [];

    public string DescriptorUrl => baseUrl.Value + "/atlassian-connect.json";

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => Tenants = await tenants.ListAsync(cancellationToken);
}
