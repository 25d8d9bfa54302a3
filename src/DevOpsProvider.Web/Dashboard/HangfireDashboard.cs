using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace DevOpsProvider.Web.Dashboard;

/// <summary>
/// Hangfire's own dashboard at /hangfire, for signed-in operators only: the operator cookie is required and an
/// anonymous request gets 401 (Hangfire answers 401 when authorization fails for an unauthenticated user).
/// </summary>
public static class HangfireDashboard
{
    public static void MapHangfire(this WebApplication app)
        => app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [],
            AsyncAuthorization = [new OperatorCookieFilter()],
            DashboardTitle = "DevOps Component Provider · jobs",
            AppPath = "/",
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());

    private sealed class OperatorCookieFilter : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var result = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (result.Succeeded)
            {
                http.User = result.Principal;
            }

            return result.Succeeded;
        }
    }
}
