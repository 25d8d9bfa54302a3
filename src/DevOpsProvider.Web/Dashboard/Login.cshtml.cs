using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace DevOpsProvider.Web.Dashboard;

[EnableRateLimiting(DashboardSetup.SignInRateLimit)]
public sealed class LoginModel(OperatorCredentials credentials, ILogger<LoginModel> logger) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Username { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var userMatches = CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(Username ?? ""), Encoding.UTF8.GetBytes(credentials.Username));
        // The hash is checked even for a wrong user name, so timing does not tell which of the two was wrong.
        var passwordMatches = PasswordHash.Verify(Password ?? "", credentials.PasswordHash);
        if (!userMatches || !passwordMatches)
        {
            logger.LogWarning("Failed dashboard sign-in from {Address}", HttpContext.Connection.RemoteIpAddress);
            Error = "Wrong user name or password.";
            Password = null;
            return Page();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, credentials.Username)], CookieAuthenticationDefaults.AuthenticationScheme);
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        logger.LogInformation("Operator {User} signed in", credentials.Username);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
